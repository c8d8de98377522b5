"""Users and their roles, personal API tokens, and invitations to join EPOCH."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
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
