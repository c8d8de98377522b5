"""Users and their roles, personal API tokens, and invitations to join EPOCH."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    PROGRAMME_OFFICE = "programme_office", "Programme Office"
    CENTRE = "centre", "Centre staff"
    VIEWER = "viewer", "Network leadership (read only)"
    SPONSOR = "sponsor", "Sponsor (company account)"


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.VIEWER)
    # A sponsor account belongs to its company: it sees that organisation's requests and nothing else.
    organisation = models.ForeignKey(
        "engagements.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sponsor_users",
        help_text="For sponsor accounts: the company they act for.",
    )
    # The network's confidentiality agreement, accepted once per version by each sponsor user.
    nda_accepted_at = models.DateTimeField("network NDA accepted", null=True, blank=True)
    nda_version = models.CharField("network NDA version", max_length=40, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("email"),
                name="crm_user_email_ci_unique",
                condition=~models.Q(email=""),
                violation_error_message="A user with this email address already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_programme_office(self) -> bool:
        return self.is_active and (self.role == Role.PROGRAMME_OFFICE or self.is_superuser)

    @property
    def is_viewer(self) -> bool:
        return self.is_active and self.role == Role.VIEWER and not self.is_superuser

    @property
    def is_centre_staff(self) -> bool:
        return self.is_active and self.role == Role.CENTRE and not self.is_superuser

    @property
    def is_sponsor(self) -> bool:
        return self.is_active and self.role == Role.SPONSOR and not self.is_superuser

    def has_accepted_nda(self, version: str) -> bool:
        return bool(self.nda_accepted_at) and self.nda_version == version


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_key(self, key: str):
        return self.active().filter(key_hash=_hash_key(key)).select_related("user")


class ApiToken(models.Model):
    """A personal API token. Only a hash is stored; the key is shown once, when it is made."""

    PREFIX = "epoch_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'weekly export script'.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_hint}…)"

    @classmethod
    def new_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    def set_key(self, key: str) -> None:
        self.key_hash = _hash_key(key)
        self.key_hint = key[: len(self.PREFIX) + 4]


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class UserInvitation(models.Model):
    """The Programme Office invites a person by email with a role (and centres, for centre staff)."""

    email = models.EmailField()
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=32, choices=Role.choices)
    centres = models.ManyToManyField("capabilities.Centre", blank=True, related_name="+")
    organisation = models.ForeignKey(
        "engagements.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} ({self.get_role_display()})"

    @staticmethod
    def hash_token(token: str) -> str:
        return _hash_key(token)

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class ReportNarrative(models.Model):
    """The words the Programme Office writes for a year's Industry Engagement Report."""

    year = models.PositiveIntegerField()
    financial_year = models.BooleanField(default=False)
    summary = models.TextField(blank=True)
    highlights = models.TextField(blank=True)
    plans = models.TextField(blank=True, verbose_name="plans for next year")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_pdf = models.FileField(upload_to="reports/", blank=True)
    published_sha256 = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "financial_year"], name="crm_narrative_year_unique")]

    def __str__(self) -> str:
        return f"Report narrative {self.year}{' (financial year)' if self.financial_year else ''}"


class SecurityEventKind(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_SET = "password_set", "Password set"
    PASSWORD_RESET = "password_reset", "Password reset"
    EMAIL_ADDED = "email_added", "Email address added"
    EMAIL_REMOVED = "email_removed", "Email address removed"
    EMAIL_CHANGED = "email_changed", "Primary email address changed"
    EMAIL_CONFIRMED = "email_confirmed", "Email address confirmed"
    MFA_ENABLED = "mfa_enabled", "Two-factor method added"
    MFA_DISABLED = "mfa_disabled", "Two-factor method removed"
    MFA_RESET = "mfa_reset", "Recovery codes regenerated"
    TOKEN_CREATED = "token_created", "API token created"
    TOKEN_REVOKED = "token_revoked", "API token revoked"


class SecurityEvent(models.Model):
    """What happened to an account that is not a field of a record: sign-ins, passwords, email addresses,
    two-factor methods, API tokens. Written once and never changed (so it keeps no history of its own);
    the Programme Office reads it in the audit log beside every record's history."""

    kind = models.CharField(max_length=32, choices=SecurityEventKind.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Whose account; a failed sign-in for an unknown name has none and keeps the name typed.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="security_events"
    )
    username = models.CharField(max_length=150, blank=True)
    # Who did it, when not the account holder (an office member revoking access, the system).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="crm_secevent_user_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username or self.user}"


class Weekdays(models.TextChoices):
    EVERY_DAY = "every_day", "Every day"
    WORKING_DAYS = "working_days", "Every working day (Monday to Friday)"
    MONDAY = "0", "Mondays only"
    TUESDAY = "1", "Tuesdays only"
    WEDNESDAY = "2", "Wednesdays only"
    THURSDAY = "3", "Thursdays only"
    FRIDAY = "4", "Fridays only"


class OfficeSettings(models.Model):
    """What the periodic jobs do, as the Programme Office sets it on "What the system sends" (one row, id 1).

    Settings the office changes as it works belong here, with their history, not in environment variables."""

    digest_days = models.CharField(
        "Follow-up digest goes out",
        max_length=16,
        choices=Weekdays,
        default=Weekdays.EVERY_DAY,
        help_text="Owners get one email listing their follow-ups due or overdue.",
    )
    reminder_working_days = models.PositiveSmallIntegerField(
        "Answer reminder lead time (working days)",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Centres that have not answered are reminded this many working days before the deadline (1 to 10).",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "office settings"
        verbose_name_plural = "office settings"

    def __str__(self) -> str:
        return "Office settings"

    @classmethod
    def load(cls) -> "OfficeSettings":
        """The stored settings, or the defaults until the office first saves them (reading writes nothing: a
        look at the page must not enter "created" in the audit log under the reader's name)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def sends_digest_on(self, day: datetime.date) -> bool:
        if self.digest_days == Weekdays.EVERY_DAY:
            return True
        if self.digest_days == Weekdays.WORKING_DAYS:
            return day.weekday() < 5
        return day.weekday() == int(self.digest_days)


class JobRun(models.Model):
    """One run of a periodic job by the worker: when, how long, and what came of it."""

    task_path = models.CharField(max_length=200, db_index=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    result = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["task_path", "-started_at"], name="crm_jobrun_latest")]

    def __str__(self) -> str:
        return f"{self.task_path} at {self.started_at:%Y-%m-%d %H:%M}"


class SentEmail(models.Model):
    """The log of emails sent: when, to whom, which template and which record (a link), never the content."""

    sent_at = models.DateTimeField(db_index=True)
    template = models.CharField(max_length=100)
    recipients = models.TextField()
    link = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.template} to {self.recipients}"
