"""Organisations, their people, the events where the network meets them, and every engagement."""

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

# Words that do not tell one company from another ("AstraZeneca UK Ltd" ~ "Astrazeneca").
_NOISE_WORDS = {
    "ltd",
    "limited",
    "plc",
    "inc",
    "incorporated",
    "llc",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "bv",
    "nv",
    "co",
    "corp",
    "corporation",
    "company",
    "group",
    "holdings",
    "uk",
    "us",
    "usa",
    "europe",
    "international",
    "the",
    "and",
    "pharma",
    "pharmaceuticals",
    "pharmaceutical",
    "therapeutics",
    "biotherapeutics",
}


def normalise_name(name: str) -> str:
    """A company name reduced to what identifies it: lower case, no accents, punctuation or legal suffixes."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", text)
    kept = [w for w in words if w not in _NOISE_WORDS]
    return " ".join(kept or words)


class OrganisationKind(models.TextChoices):
    PHARMA = "pharma", "Pharma"
    BIOTECH = "biotech", "Biotech"
    MEDTECH = "medtech", "Medtech"
    CRO = "cro", "CRO"
    ACADEMIC = "academic", "Academic"
    CHARITY = "charity", "Charity"
    NHS = "nhs", "NHS"
    REGULATOR = "regulator", "Regulator"
    RESEARCH_NETWORK = "research_network", "Research network"
    GOVERNMENT = "government", "Government"
    OTHER = "other", "Other"


# Industry is what the annual report counts as "organisations engaged"; every other kind is a partner
# (charities, NIHR and research networks, academia, the NHS, regulators, government).
INDUSTRY_KINDS = (OrganisationKind.PHARMA, OrganisationKind.BIOTECH, OrganisationKind.MEDTECH, OrganisationKind.CRO)


class Sector(models.TextChoices):
    INDUSTRY = "industry", "Industry"
    PARTNER = "partner", "Partner"


def sector_of(kind: str) -> str:
    return Sector.INDUSTRY if kind in INDUSTRY_KINDS else Sector.PARTNER


class OrganisationQuerySet(models.QuerySet):
    def industry(self):
        return self.filter(kind__in=INDUSTRY_KINDS)

    def partners(self):
        return self.exclude(kind__in=INDUSTRY_KINDS)

    def in_sector(self, sector: str):
        return self.industry() if sector == Sector.INDUSTRY else self.partners()

    def with_list_columns(self):
        """`last_engaged` and `contact_count` as correlated subqueries, not a join grouped over every engagement
        and contact: a page of 50 computes them for its 50 rows, and the list's count needs neither."""
        last = Engagement.objects.filter(organisations=models.OuterRef("pk")).order_by("-occurred_on")
        contacts = Contact.objects.filter(organisation=models.OuterRef("pk")).order_by().values("organisation")
        return self.annotate(
            last_engaged=models.Subquery(last.values("occurred_on")[:1]),
            contact_count=Coalesce(models.Subquery(contacts.annotate(n=models.Count("pk")).values("n")), 0),
        )


class ContactQuerySet(models.QuerySet):
    def with_last_engaged(self):
        """`last_engaged` as a correlated subquery (the latest engagement with this person), computed for the rows
        a page shows rather than grouped over every engagement."""
        last = Engagement.objects.filter(contacts=models.OuterRef("pk")).order_by("-occurred_on")
        return self.annotate(last_engaged=models.Subquery(last.values("occurred_on")[:1]))


class OrganisationSize(models.TextChoices):
    LARGE = "large", "Large"
    SME = "sme", "SME"
    STARTUP = "startup", "Start-up"


class OrganisationStatus(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    ACTIVE = "active", "Active"
    PARTNER = "partner", "Partner"
    DORMANT = "dormant", "Dormant"


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    normalised_name = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    size = models.CharField(max_length=20, choices=OrganisationSize.choices, blank=True)
    country = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children")
    status = models.CharField(max_length=20, choices=OrganisationStatus.choices, default=OrganisationStatus.PROSPECT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
    )
    nda_signed_on = models.DateField("network NDA signed", null=True, blank=True)
    nda_expires_on = models.DateField("network NDA expires", null=True, blank=True)
    therapy_areas = models.CharField(
        "therapy-area interests",
        max_length=500,
        blank=True,
        help_text="Comma separated, e.g. 'lung, melanoma'.",
    )
    modality_interests = models.CharField(
        max_length=500, blank=True, help_text="Comma separated, e.g. 'ADC, radioligand'."
    )
    notes = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="engagements_org_name_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.normalised_name = normalise_name(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "normalised_name"}
        super().save(*args, **kwargs)

    @property
    def sector(self) -> str:
        """`industry` (pharma, biotech, medtech, CRO) or `partner` (every other kind); derived from the kind."""
        return sector_of(self.kind)

    def get_sector_display(self) -> str:
        return Sector(self.sector).label


class LawfulBasis(models.TextChoices):
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests"
    CONSENT = "consent", "Consent"
    CONTRACT = "contract", "Contract"


class Contact(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    lawful_basis = models.CharField(
        max_length=30, choices=LawfulBasis.choices, default=LawfulBasis.LEGITIMATE_INTERESTS
    )
    consent_on = models.DateField("consent date", null=True, blank=True)
    do_not_contact = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    erased = models.BooleanField(default=False, editable=False)
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The day the Programme Office last reviewed this person's data and chose to keep it (GDPR storage limitation).
    reviewed_on = models.DateField("kept after review on", null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name"], name="engagements_contact_name_idx")]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="engagements_contact_email_ci_unique",
                condition=~models.Q(email=""),
                violation_error_message="A contact with this email address already exists.",
            )
        ]

    def __str__(self) -> str:
        if self.erased:
            return "Erased contact"
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def full_name(self) -> str:
        return str(self)


class EventKind(models.TextChoices):
    CONFERENCE = "conference", "Conference"
    WEBINAR = "webinar", "Webinar"
    ROUNDTABLE = "roundtable", "Roundtable"
    WORKSHOP = "workshop", "Workshop"
    EDUCATION = "education", "Education event"
    OTHER = "other", "Other"


class EventScope(models.TextChoices):
    NATIONAL = "national", "National"
    INTERNATIONAL = "international", "International"


class Participation(models.TextChoices):
    ATTENDED = "attended", "Attended"
    EXHIBITED = "exhibited", "Exhibited"
    PRESENTED = "presented", "Presented"
    HOSTED = "hosted", "Hosted"


class Event(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=EventKind.choices, default=EventKind.CONFERENCE)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    virtual = models.BooleanField(default=False)
    scope = models.CharField(max_length=20, choices=EventScope.choices, default=EventScope.NATIONAL)
    participation = models.CharField(
        "the network's part", max_length=20, choices=Participation.choices, default=Participation.ATTENDED
    )
    attendees = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many took part, for events the network runs (webinars, courses)."
    )
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    staff_attending = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="events_attended")
    contacts = models.ManyToManyField(
        "Contact", blank=True, related_name="events", help_text="The people the network met or invited there."
    )
    history = HistoricalRecords(m2m_fields=[staff_attending, contacts])

    class Meta:
        ordering = ["-starts_on", "name"]
        indexes = [models.Index(fields=["-starts_on", "name"], name="engagements_event_starts_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="engagements_event_ends_after_start",
                violation_error_message="An event cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=models.Q(attendees__isnull=True) | models.Q(attendees__gte=0),
                name="engagements_event_attendees_not_negative",
                violation_error_message="Attendees cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on:%b %Y})"

    @property
    def last_day(self):
        return self.ends_on or self.starts_on


class InitiativeKind(models.TextChoices):
    EDUCATION = "education", "Education"
    EARLY_CAREER = "early_career", "Early-career investigators"
    PATIENT_INFORMATION = "patient_information", "Patient information"
    REGULATORY = "regulatory", "Regulatory"
    PARTNERSHIP = "partnership", "Partnership"
    OTHER = "other", "Other"


class InitiativeStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"


class InitiativeQuerySet(models.QuerySet):
    def active_between(self, start, end):
        """Initiatives running at any time in [start, end]: started by its end and not ended before its start.
        A planned initiative with no start date is not yet active."""
        return self.filter(started_on__isnull=False, started_on__lte=end).filter(
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=start)
        )


class Initiative(models.Model):
    """The network's capability-building work: education, a junior investigator group, patient information
    co-developed with industry, regulatory work, partnerships."""

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=InitiativeKind.choices, default=InitiativeKind.EDUCATION)
    summary = models.TextField(blank=True)
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="initiatives", verbose_name="partner organisations"
    )
    events = models.ManyToManyField(Event, blank=True, related_name="initiatives")
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=InitiativeStatus.choices, default=InitiativeStatus.PLANNED)
    outputs = models.TextField(blank=True, help_text="What it produced: sessions run, people trained, materials.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(m2m_fields=[organisations, events])

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="engagements_initiative_ends_after_start",
                violation_error_message="An initiative cannot end before it starts.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = "An initiative cannot end before it starts."
        if self.ended_on and not self.started_on:
            errors["started_on"] = "Give the start date of an initiative that has ended."
        if self.status == InitiativeStatus.COMPLETED and not self.ended_on:
            errors["ended_on"] = "Give the date a completed initiative ended."
        if errors:
            raise ValidationError(errors)


class EngagementKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    CONFERENCE_MEETING = "conference_meeting", "Conference meeting"
    WEBINAR = "webinar", "Webinar"
    ROUNDTABLE = "roundtable", "Roundtable"
    SITE_VISIT = "site_visit", "Site visit"
    OTHER = "other", "Other"


class Engagement(models.Model):
    occurred_on = models.DateField(default=timezone.localdate)
    kind = models.CharField(max_length=30, choices=EngagementKind.choices, default=EngagementKind.MEETING)
    subject = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    organisations = models.ManyToManyField(Organisation, related_name="engagements")
    contacts = models.ManyToManyField(Contact, blank=True, related_name="engagements")
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="engagements")
    event = models.ForeignKey(Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="engagements")
    topics = models.CharField(max_length=300, blank=True, help_text="Comma separated, e.g. 'ADC, paediatric'.")
    outcome = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(m2m_fields=[organisations, contacts, staff])

    class Meta:
        ordering = ["-occurred_on", "-id"]
        # The list's order (newest first) walks this index and stops at the page; `occurred_on` alone
        # is its prefix, so the report's date ranges use it too.
        indexes = [models.Index(fields=["-occurred_on", "-id"], name="engagements_eng_occurred_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_on:%d %b %Y} · {self.subject}"


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_on__isnull=True)

    def due_by(self, day):
        return self.open().filter(due_on__lte=day)


class FollowUp(models.Model):
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, null=True, blank=True, related_name="follow_ups"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="follow_ups"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    text = models.CharField(max_length=500)
    history = HistoricalRecords()

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["done_on", "due_on", "id"]
        indexes = [
            models.Index(fields=["done_on", "due_on", "id"], name="engagements_followup_due_idx"),
            models.Index(fields=["owner", "done_on", "due_on"], name="engagements_followup_mine_idx"),
        ]

    def __str__(self) -> str:
        return self.text

    def is_overdue(self, today=None) -> bool:
        return self.done_on is None and self.due_on < (today or timezone.localdate())


class FollowUpDigest(models.Model):
    """The day an owner was emailed their due and overdue follow-ups, so the daily job sends once a day."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "sent_on"], name="engagements_digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.owner} · {self.sent_on}"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed: nothing was imported"


class ImportJob(models.Model):
    """A large CSV import running in the background (engagements.tasks.import_run), with its progress.

    The checked file waits here, not in the session, until the worker writes it; the records it makes
    carry their own history ("Imported from <file>"), so the job itself keeps none."""

    what = models.CharField(max_length=20)  # organisations | contacts
    file_name = models.CharField(max_length=255)
    text = models.TextField()
    rows = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.file_name} ({self.get_status_display().lower()})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.rows) if self.rows else 0
