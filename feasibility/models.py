"""Trial opportunities (feasibility requests), their routing to centres, the answers and set-up."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from capabilities.models import POPULATION_CODES, Modality

# A study's set-up against the UK targets (DESIGN.md section 1).
APPROVAL_TARGET_DAYS = 60
APPROVAL_TARGET_DAYS_ADVANCED = 90
OPEN_TARGET_DAYS = 60
FIRST_PARTICIPANT_TARGET_DAYS = 30
OVERALL_TARGET_DAYS = 150


class Phase(models.TextChoices):
    PHASE_0 = "phase_0", "Phase 0"
    PHASE_1 = "phase_1", "Phase I"
    PHASE_1_2 = "phase_1_2", "Phase I/II"
    PHASE_2 = "phase_2", "Phase II"


class Population(models.TextChoices):
    ADULT = "adult", "Adult"
    PAEDIATRIC = "paediatric", "Paediatric"


class RequestStatus(models.TextChoices):
    TRIAGE = "triage", "In triage"
    CIRCULATING = "circulating", "Circulated to centres"
    SUMMARY_SENT = "summary_sent", "Answer sent to sponsor"
    PLACED = "placed", "Placed in the network"
    NOT_PLACED = "not_placed", "Not placed in the network"
    WITHDRAWN = "withdrawn", "Withdrawn"


CLOSED_STATUSES = (RequestStatus.PLACED, RequestStatus.NOT_PLACED, RequestStatus.WITHDRAWN)


class Source(models.TextChoices):
    OFFICE = "office", "Entered by the Programme Office"
    PUBLIC_FORM = "public_form", "Public opportunity form"
    API = "api", "API"
    SPONSOR_ACCOUNT = "sponsor_account", "Sponsor account"


class FeasibilityRequestQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)


def _populations_default():
    return [Population.ADULT.value]


class FeasibilityRequest(models.Model):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=300)
    sponsor = models.ForeignKey(
        "engagements.Organisation", on_delete=models.PROTECT, related_name="feasibility_requests"
    )
    sponsor_contacts = models.ManyToManyField("engagements.Contact", blank=True, related_name="feasibility_requests")
    source_engagement = models.ForeignKey(
        "engagements.Engagement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feasibility_requests",
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.OFFICE)
    received_on = models.DateField(default=timezone.localdate)
    asset = models.CharField(max_length=200, blank=True, help_text="The investigational product, e.g. 'XB-101'.")
    modality = models.CharField(max_length=30, choices=Modality.choices, default=Modality.SMALL_MOLECULE)
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.PHASE_1)
    populations = models.JSONField(default=_populations_default, help_text="Adult, paediatric or both.")
    tumour_types = models.ManyToManyField("capabilities.Capability", blank=True, related_name="+")
    sites_sought = models.PositiveIntegerField(null=True, blank=True)
    patients_total = models.PositiveIntegerField(null=True, blank=True)
    planned_start = models.DateField(null=True, blank=True)
    under_nda = models.BooleanField("under the network confidentiality agreement", default=True)
    synopsis = models.TextField(blank=True)
    response_deadline = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.TRIAGE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_requests",
    )
    # Who sent it through the public form (no organisation contact exists yet at that point).
    submitter_name = models.CharField(max_length=200, blank=True)
    submitter_email = models.EmailField(blank=True)
    submitter_company = models.CharField(max_length=200, blank=True)
    outcome_notes = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(m2m_fields=[sponsor_contacts, tumour_types])

    objects = FeasibilityRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["received_on"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def clean(self):
        pops = self.populations
        if not isinstance(pops, list) or not pops:
            raise ValidationError({"populations": "Name at least one population: adult, paediatric or both."})
        unknown = set(pops) - set(POPULATION_CODES)
        if unknown:
            raise ValidationError({"populations": f"Unknown population: {', '.join(sorted(unknown))}."})
        if len(set(pops)) != len(pops):
            raise ValidationError({"populations": "Name each population once."})

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class Necessity(models.TextChoices):
    REQUIRED = "required", "Required"
    PREFERRED = "preferred", "Preferred"


class Requirement(models.Model):
    request = models.ForeignKey(FeasibilityRequest, on_delete=models.CASCADE, related_name="requirements")
    capability = models.ForeignKey("capabilities.Capability", on_delete=models.PROTECT, related_name="+")
    necessity = models.CharField(max_length=12, choices=Necessity.choices, default=Necessity.REQUIRED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["necessity", "capability__code"]
        constraints = [models.UniqueConstraint(fields=["request", "capability"], name="feasibility_requirement_unique")]

    def __str__(self) -> str:
        return f"{self.capability.code} ({self.necessity})"


def attachment_path(instance, filename):
    return f"requests/{instance.request_id}/{filename}"


class Attachment(models.Model):
    request = models.ForeignKey(FeasibilityRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class InvitationQuerySet(models.QuerySet):
    def unanswered(self):
        return self.filter(response__isnull=True)

    def outstanding(self):
        """Answers still awaited: unanswered invitations of circulating requests. Once the summary goes to the
        sponsor (or the request closes) the round is over and an unanswered invitation is no longer chased."""
        return self.unanswered().filter(request__status=RequestStatus.CIRCULATING)

    def overdue(self, today: datetime.date | None = None):
        return self.outstanding().filter(deadline__lt=today or timezone.localdate())


class Invitation(models.Model):
    request = models.ForeignKey(FeasibilityRequest, on_delete=models.CASCADE, related_name="invitations")
    centre = models.ForeignKey("capabilities.Centre", on_delete=models.PROTECT, related_name="invitations")
    routed_at = models.DateTimeField(default=timezone.now)
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deadline = models.DateField()
    score = models.FloatField(null=True, blank=True)
    eligible = models.BooleanField(default=True)
    explanation = models.JSONField(default=dict, blank=True)
    override_reason = models.TextField(blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "centre__name"]
        constraints = [models.UniqueConstraint(fields=["request", "centre"], name="feasibility_invitation_unique")]

    def __str__(self) -> str:
        return f"{self.request.reference} → {self.centre}"


class Decision(models.TextChoices):
    INTERESTED = "interested", "Interested"
    DECLINED = "declined", "Declined"
    MORE_INFO = "more_info", "More information needed"


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", "No capacity"
    NO_POPULATION = "no_population", "No patient population"
    COMPETING_TRIAL = "competing_trial", "Competing trial"
    MISSING_CAPABILITY = "missing_capability", "Missing capability"
    OTHER = "other", "Other"


class CentreResponse(models.Model):
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True)
    principal_investigator = models.CharField(max_length=200, blank=True)
    estimated_patients = models.PositiveIntegerField(null=True, blank=True)
    earliest_start = models.DateField(null=True, blank=True)
    comments = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(default=timezone.now)
    first_responded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision="declined") | ~models.Q(decline_reason=""),
                name="feasibility_decline_needs_reason",
                violation_error_message="Give a reason when declining.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitation}: {self.get_decision_display()}"

    def clean(self):
        if self.decision == Decision.DECLINED and not self.decline_reason:
            raise ValidationError({"decline_reason": "Give a reason when declining."})
        if self.decision != Decision.DECLINED and self.decline_reason:
            raise ValidationError({"decline_reason": "A reason is only given when declining."})


def summary_pdf_path(instance, filename):
    return f"summaries/{instance.request_id}/{filename}"


class SponsorSummaryQuerySet(models.QuerySet):
    def released(self):
        return self.filter(released_at__isnull=False)


class SponsorSummary(models.Model):
    """A record of the collated answer sent back to the sponsor.

    Once the office releases it (`released_at`), the sponsor's accounts download it in EPOCH: the PDF and
    CSV are frozen at release, so the sponsor reads exactly what the office released, whatever changes later.
    """

    request = models.ForeignKey(FeasibilityRequest, on_delete=models.CASCADE, related_name="summaries_sent")
    sent_on = models.DateField(default=timezone.localdate)
    sent_to = models.CharField(max_length=300)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    centres_consulted = models.PositiveIntegerField(default=0)
    centres_interested = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pdf = models.FileField(upload_to=summary_pdf_path, blank=True)
    csv = models.TextField(blank=True, editable=False)
    # Each download saves the row once more, so the history lists who fetched it and when.
    downloads = models.PositiveIntegerField(default=0, editable=False)
    last_downloaded_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["csv"])

    objects = SponsorSummaryQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name_plural = "sponsor summaries"

    def __str__(self) -> str:
        return f"{self.request.reference} summary sent {self.sent_on}"

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


def _days(start: datetime.date | None, end: datetime.date | None) -> int | None:
    return (end - start).days if start and end else None


class SiteSetUp(models.Model):
    request = models.ForeignKey(FeasibilityRequest, on_delete=models.CASCADE, related_name="setups")
    centre = models.ForeignKey("capabilities.Centre", on_delete=models.PROTECT, related_name="setups")
    regulatory_submitted_on = models.DateField(null=True, blank=True)
    regulatory_approved_on = models.DateField(null=True, blank=True)
    selected_on = models.DateField("site selected", null=True, blank=True)
    opened_on = models.DateField("site open", null=True, blank=True)
    first_participant_on = models.DateField(null=True, blank=True)
    advanced_therapy = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["request", "centre__name"]
        verbose_name = "site set-up"
        constraints = [models.UniqueConstraint(fields=["request", "centre"], name="feasibility_setup_unique")]

    def __str__(self) -> str:
        return f"{self.request.reference} at {self.centre}"

    def clean(self):
        order = [
            ("regulatory_submitted_on", "regulatory_approved_on", "Approval cannot come before submission."),
            ("opened_on", "first_participant_on", "The first participant cannot come before the site opens."),
            ("regulatory_approved_on", "opened_on", "The site cannot open before approval."),
        ]
        errors = {}
        for earlier, later, message in order:
            a, b = getattr(self, earlier), getattr(self, later)
            if a and b and b < a:
                errors[later] = message
        if errors:
            raise ValidationError(errors)

    # The UK targets, measured in calendar days.
    @property
    def approval_target_days(self) -> int:
        return APPROVAL_TARGET_DAYS_ADVANCED if self.advanced_therapy else APPROVAL_TARGET_DAYS

    @property
    def days_to_approval(self) -> int | None:
        return _days(self.regulatory_submitted_on, self.regulatory_approved_on)

    @property
    def open_clock_start(self) -> datetime.date | None:
        """The open clock starts at approval or site selection, whichever is later."""
        dates = [d for d in (self.regulatory_approved_on, self.selected_on) if d]
        return max(dates) if dates else None

    @property
    def days_to_open(self) -> int | None:
        return _days(self.open_clock_start, self.opened_on)

    @property
    def days_to_first_participant(self) -> int | None:
        return _days(self.opened_on, self.first_participant_on)

    @property
    def days_overall(self) -> int | None:
        return _days(self.regulatory_submitted_on, self.first_participant_on)
