"""Users: invitations, acceptance and personal API tokens. Views, admin and commands call these."""

import datetime
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from capabilities.models import Centre
from crm import permissions as access
from crm.models import ApiToken, OfficeSettings, ReportNarrative, Role, SecurityEventKind, User, UserInvitation
from crm.security_events import security_event_record
from crm.tasks import send_email_task
from engagements.models import Organisation


def user_invite(
    *,
    actor: User,
    email: str,
    role: str,
    centres: list[Centre] | None = None,
    organisation: Organisation | None = None,
    first_name: str = "",
    last_name: str = "",
) -> tuple[UserInvitation, str]:
    """Invite a person by email with a role; returns the invitation and its one-time token.

    Centre staff come with their centres; a sponsor account with its company (`organisation`), whose
    requests it will see and submit for.
    """
    access.require(access.can_manage_users(actor), "Only the Programme Office invites people.")
    email = email.strip()
    centres = list(centres or [])
    errors = {}
    if role not in Role.values:
        errors["role"] = "Choose a role."
    if role == Role.CENTRE and not centres:
        errors["centres"] = "Centre staff belong to at least one centre."
    if role != Role.CENTRE and centres:
        errors["centres"] = "Only centre staff belong to centres."
    if role == Role.SPONSOR and organisation is None:
        errors["organisation"] = "A sponsor account acts for a company: choose the organisation."
    if role != Role.SPONSOR and organisation is not None:
        errors["organisation"] = "Only sponsor accounts belong to an organisation."
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = "Someone with this email address already has an account."
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # A fresh invitation replaces any pending one for the same address.
        for earlier in UserInvitation.objects.pending().filter(email__iexact=email):
            earlier.revoked_at = timezone.now()
            earlier.save(update_fields=["revoked_at"])
        invitation = UserInvitation.objects.create(
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=role,
            organisation=organisation,
            token_hash=UserInvitation.hash_token(token),
            invited_by=actor,
            expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        invitation.centres.set(centres)
        link = settings.SITE_URL + reverse("crm:invitation-accept", args=[token])
        context = {
            "link": link,
            "role": invitation.get_role_display(),
            "invited_by": str(actor),
            "first_name": first_name,
            "expires_at": invitation.expires_at.strftime("%d %B %Y"),
            "centres": [c.name for c in centres],
            "organisation": organisation.name if organisation else "",
        }
        transaction.on_commit(lambda: send_email_task.enqueue("invitation", [email], context))
    return invitation, token


def invitation_for_token(token: str) -> UserInvitation | None:
    return UserInvitation.objects.pending().filter(token_hash=UserInvitation.hash_token(token)).first()


INVITATION_USED = "This invitation link has expired or was already used. Ask for a new one."


def invitation_accept(*, token: str, username: str, password: str, first_name: str, last_name: str) -> User:
    """Create the invited person's account with the password they chose.

    Their email address counts as verified: the invitation reached them there. Two acceptances of one
    link at once (a double click, two tabs) make one account: the second waits for the first's lock,
    then finds the invitation used and is told so.
    """
    invitation = invitation_for_token(token)
    if invitation is None:
        raise ValidationError(INVITATION_USED)
    errors = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = "This username is taken; choose another."
    candidate = User(username=username, email=invitation.email, first_name=first_name, last_name=last_name)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        errors["password1"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = UserInvitation.objects.select_for_update().filter(pk=invitation.pk).first()
        if locked is None or locked.accepted_at or locked.revoked_at:
            raise ValidationError(INVITATION_USED)
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": "This username is taken; choose another."})
        user = User.objects.create_user(
            username=username,
            email=invitation.email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            role=invitation.role,
            organisation_id=invitation.organisation_id,
        )
        for centre in invitation.centres.all():
            centre.members.add(user)
        EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
    return user


def invitation_revoke(*, actor: User, invitation: UserInvitation) -> None:
    access.require(access.can_manage_users(actor), "Only the Programme Office manages invitations.")
    if invitation.status != "pending":
        raise ValidationError(f"This invitation is already {invitation.status}.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def nda_accept(*, actor: User, version: str | None = None) -> User:
    """Record that a sponsor user accepted the network's confidentiality agreement (date and version).

    Asked once per version: the history keeps each acceptance, so the office can show who agreed to what when.
    """
    access.require(access.is_sponsor(actor), "Only sponsor accounts accept the network NDA here.")
    version = version or settings.NETWORK_NDA_VERSION
    if actor.has_accepted_nda(version):
        return actor
    actor.nda_accepted_at = timezone.now()
    actor.nda_version = version
    actor._history_user = actor
    actor._change_reason = f"Accepted the network NDA (version {version})"
    actor.save(update_fields=["nda_accepted_at", "nda_version"])
    return actor


def token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Make a personal API token; the key is returned once and only its hash is kept."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Say what the token is for."})
    if actor.api_tokens.active().filter(name__iexact=name).exists():
        raise ValidationError({"name": "You already have a token with this name."})
    key = ApiToken.new_key()
    token = ApiToken(user=actor, name=name)
    token.set_key(key)
    with transaction.atomic():
        token.save()
        security_event_record(SecurityEventKind.TOKEN_CREATED, user=actor, detail=str(token))
    return token, key


def token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise PermissionDenied("You can only revoke your own tokens.")
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        security_event_record(SecurityEventKind.TOKEN_REVOKED, user=actor, detail=str(token))


def user_set_active(*, actor: User, user: User, active: bool) -> None:
    """Switch a person's access off (they leave the network) or back on; history keeps who and when."""
    access.require(access.can_manage_users(actor), "Only the Programme Office manages users.")
    if user.pk == actor.pk:
        raise ValidationError("You cannot switch off your own access.")
    if user.is_active == active:
        return
    user.is_active = active
    user._history_user = actor
    user.save(update_fields=["is_active"])
    if not active:
        tokens_revoke_all(user=user)


def tokens_revoke_all(*, user: User) -> int:
    """Revoke every live token of a user: when their access is switched off or their password changes or
    is reset (whoever knew the old password may have made a token with it). Returns how many."""
    tokens = list(user.api_tokens.active())
    for token in tokens:
        token_revoke(actor=user, token=token)
    return len(tokens)


# The annual report: narrative and publishing -------------------------------------------------------------


def _narrative(year: int, financial: bool) -> ReportNarrative:
    """The year's narrative, locked for the change; a new, unsaved one when none is written yet."""
    narrative = ReportNarrative.objects.select_for_update().filter(year=year, financial_year=financial).first()
    return narrative or ReportNarrative(year=year, financial_year=financial)


def report_narrative_save(
    *, actor: User, year: int, financial: bool = False, summary: str = "", highlights: str = "", plans: str = ""
) -> ReportNarrative:
    """Write the Programme Office's words for a year's report (each save is kept in its history)."""
    access.require(access.can_write_reports(actor), "Only the Programme Office writes the report.")
    with transaction.atomic():
        narrative = _narrative(year, financial)
        if narrative.published_at:
            raise ValidationError(
                f"The {narrative.year} report was published on {timezone.localtime(narrative.published_at):%d %b %Y}; "
                "its words are frozen with it."
            )
        narrative.summary, narrative.highlights, narrative.plans = summary.strip(), highlights.strip(), plans.strip()
        narrative._change_reason = "Narrative edited"
        narrative._history_user = actor
        narrative.save()
    return narrative


def report_publish(
    *, actor: User, year: int, financial: bool = False, today: datetime.date | None = None
) -> ReportNarrative:
    """Publish a year's report: draw its PDF once, store it with its SHA-256, and serve that copy from now on."""
    from crm import kpis, report_pdf

    access.require(access.can_write_reports(actor), "Only the Programme Office publishes the report.")
    period = kpis.period_for(year, financial=financial)
    if period.end >= (today or timezone.localdate()):
        raise ValidationError(
            f"The {period.label} report can be published once the year has ended ({period.end:%d %b %Y})."
        )
    with transaction.atomic():
        narrative = _narrative(year, financial)
        if narrative.published_at:
            raise ValidationError(f"The {period.label} report is already published.")
        if not narrative.summary:
            raise ValidationError({"summary": "Write the summary before publishing."})
        # Stamped before the drawing, so the stored copy's cover and colophon say "published", not "draft".
        narrative.published_at = timezone.now()
        narrative.published_by = actor
        pdf = report_pdf.build_pdf(year, financial=financial, narrative=narrative)
        narrative.published_pdf.save(
            report_pdf.filename(year, financial=financial, draft=False), ContentFile(pdf), save=False
        )
        narrative.published_sha256 = report_pdf.sha256(pdf)
        narrative._change_reason = "Published"
        narrative._history_user = actor
        narrative.save()
    return narrative


def office_settings_update(*, actor: User, digest_days: str, reminder_working_days: int) -> OfficeSettings:
    """Change what the periodic jobs do (the Programme Office only); the change is kept in the settings' history."""
    access.require(access.is_programme_office(actor), "Only the Programme Office changes what the system sends.")
    office = OfficeSettings.load()
    office.digest_days, office.reminder_working_days = digest_days, reminder_working_days
    office.full_clean()
    office._history_user = actor
    with transaction.atomic():
        office.save()
    return office
