"""Centres, the capability taxonomy, and what each centre can do."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

# The four headline capabilities (DESIGN.md section 3): fixed codes that matching relies on.
ADULT = "adult"
PAEDIATRIC = "paediatric"
HAEMATOLOGY = "haematology"
RADIOPHARMACEUTICAL = "radiopharmaceutical"
POPULATION_CODES = (ADULT, PAEDIATRIC)

STALE_AFTER_DAYS = 365
EXPIRY_WARNING_DAYS = 90


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


class Modality(models.TextChoices):
    """Trial modalities. Defined here so modality rules can name them; feasibility uses the same list."""

    SMALL_MOLECULE = "small_molecule", "Small molecule"
    ANTIBODY = "antibody", "Antibody"
    ADC = "adc", "Antibody-drug conjugate"
    BISPECIFIC = "bispecific", "Bispecific"
    RADIOLIGAND = "radioligand", "Radioligand therapy"
    CELL_THERAPY = "cell_therapy", "Cell therapy"
    GENE_THERAPY = "gene_therapy", "Gene therapy"
    VACCINE = "vaccine", "Vaccine"
    ONCOLYTIC_VIRUS = "oncolytic_virus", "Oncolytic virus"
    OTHER = "other", "Other"


class CentreQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Centre(models.Model):
    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=40, unique=True, help_text="Short stable code, e.g. 'leeds-adult'.")
    institution = models.CharField(max_length=200, blank=True)
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND)
    city = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True, help_text="The centre's shared mailbox for feasibility requests.")
    active = models.BooleanField(default=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="centres")
    history = HistoricalRecords(m2m_fields=[members])

    objects = CentreQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CapabilityArea(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


code_validator = RegexValidator(
    r"^[a-z0-9]+(?:[_-][a-z0-9]+)*(?:\.[a-z0-9]+(?:[_-][a-z0-9]+)*)*$",
    "Use lower-case words separated by dots, e.g. 'radiopharmacy.pet_ct'.",
)


class Capability(models.Model):
    code = models.CharField(max_length=80, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    area = models.ForeignKey(CapabilityArea, on_delete=models.PROTECT, related_name="capabilities")
    description = models.TextField(blank=True)
    has_quantity = models.BooleanField(default=False, help_text="Centres give a number (beds, minutes to ICU).")
    quantity_unit = models.CharField(max_length=40, blank=True)
    expires = models.BooleanField(default=False, help_text="A licence or accreditation with an expiry date.")
    is_tumour_type = models.BooleanField(default=False)
    # Other words sponsors use for it ("NSCLC" for lung, "177Lu" for the isotopes): synopsis extraction reads them.
    synonyms = models.JSONField(default=list, blank=True, help_text="Other names and abbreviations, one per line.")
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__order", "order", "name"]
        verbose_name_plural = "capabilities"

    def __str__(self) -> str:
        return self.name


class Level(models.TextChoices):
    AVAILABLE = "available", "Available"
    LIMITED = "limited", "Limited"
    PLANNED = "planned", "Planned"


HELD_LEVELS = (Level.AVAILABLE, Level.LIMITED)


class CentreCapabilityQuerySet(models.QuerySet):
    def held(self):
        return self.filter(level__in=HELD_LEVELS)

    def stale(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        cutoff = today - datetime.timedelta(days=STALE_AFTER_DAYS)
        return self.filter(models.Q(confirmed_on__isnull=True) | models.Q(confirmed_on__lt=cutoff))

    def expiring(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(expires_on__isnull=False, expires_on__lte=today + datetime.timedelta(EXPIRY_WARNING_DAYS))


class CentreCapability(models.Model):
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="capability_levels")
    capability = models.ForeignKey(Capability, on_delete=models.PROTECT, related_name="centre_levels")
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.AVAILABLE)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    evidence = models.CharField(max_length=300, blank=True, help_text="Licence number, accreditation reference.")
    expires_on = models.DateField(null=True, blank=True)
    confirmed_on = models.DateField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = CentreCapabilityQuerySet.as_manager()

    class Meta:
        ordering = ["centre__name", "capability__code"]
        verbose_name_plural = "centre capabilities"
        constraints = [
            models.UniqueConstraint(fields=["centre", "capability"], name="capabilities_centre_capability_unique")
        ]

    def __str__(self) -> str:
        return f"{self.centre} · {self.capability.code}: {self.level}"

    def is_stale(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.confirmed_on is None or (today - self.confirmed_on).days > STALE_AFTER_DAYS

    def is_expiring(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and (self.expires_on - today).days <= EXPIRY_WARNING_DAYS

    def is_expired(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and self.expires_on < today


class ModalityRule(models.Model):
    """A modality adds required capabilities to every request of that modality (radioligand → radiopharmaceutical)."""

    modality = models.CharField(max_length=30, choices=Modality.choices)
    capability = models.ForeignKey(Capability, on_delete=models.CASCADE, related_name="modality_rules")
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["modality", "capability__code"]
        constraints = [
            models.UniqueConstraint(fields=["modality", "capability"], name="capabilities_modality_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_modality_display()} requires {self.capability.code}"

    def clean(self):
        if self.capability_id and self.capability.code in POPULATION_CODES:
            raise ValidationError({"capability": "A population is chosen on the request, not by a modality rule."})


class ProfileReminder(models.Model):
    """The yearly reminder to a centre to re-confirm its profile, kept so the job sends it once a year."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="profile_reminders")
    year = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "centre__name"]
        constraints = [models.UniqueConstraint(fields=["centre", "year"], name="capabilities_profile_reminder_unique")]

    def __str__(self) -> str:
        return f"{self.centre} · {self.year}"
