"""Routing a request to centres, notifying them, and reminding them before the deadline."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from capabilities.models import Centre
from crm import permissions as access
from crm.tasks import send_email_task
from feasibility.models import (
    FeasibilityRequest,
    Invitation,
    RequestStatus,
)
from feasibility.services._common import (
    DEFAULT_RESPONSE_WORKING_DAYS,
    REMINDER_WORKING_DAYS,
    _by,
    _refuse_if_closed,
)
from feasibility.services.matches import matches_for
from feasibility.workdays import add_working_days


def default_deadline(request: FeasibilityRequest, centre: Centre, today: datetime.date) -> datetime.date:
    if request.response_deadline:
        return request.response_deadline
    return add_working_days(today, DEFAULT_RESPONSE_WORKING_DAYS, centre.nation)


def _centre_recipients(centre: Centre) -> list[str]:
    emails = [u.email for u in centre.members.all() if u.is_active and u.email]
    if centre.email:
        emails.append(centre.email)
    return list(dict.fromkeys(emails))


def _notify_invitation(invitation: Invitation, template: str) -> None:
    """Email the centre a link. Never the title, sponsor or synopsis: only the reference and where to look."""
    recipients = _centre_recipients(invitation.centre)
    if not recipients:
        return
    context = {
        "reference": invitation.request.reference,
        "centre": invitation.centre.name,
        "deadline": f"{invitation.deadline:%d %B %Y}",
        "link": settings.SITE_URL + reverse("feasibility:answer", args=[invitation.pk]),
        # Partners by name only: which capability they lend would tell of the trial (DESIGN.md section 3).
        "partners": sorted({v["partner"] for v in (invitation.explanation or {}).get("via", [])}),
    }
    transaction.on_commit(lambda: send_email_task.enqueue(template, recipients, context))


@transaction.atomic
def route_request(
    *,
    actor,
    request: FeasibilityRequest,
    centres: Iterable[Centre | int],
    override_reason: str = "",
    deadline: datetime.date | None = None,
) -> list[Invitation]:
    """Invite centres to answer. Refused whole if a centre is not eligible and no override reason is given.

    A centre already invited is not invited again. The deadline is the one given, else the request's
    response deadline, else 10 UK working days from today in the centre's nation.
    """
    access.require(access.can_write_requests(actor), "Only the Programme Office routes requests.")
    request = FeasibilityRequest.objects.select_for_update().get(pk=request.pk)
    _refuse_if_closed(request, "routed")
    override_reason = (override_reason or "").strip()
    ids = list(dict.fromkeys(c if isinstance(c, int) else c.pk for c in centres))
    if not ids:
        raise ValidationError({"centres": "Choose at least one centre."})
    centre_rows = {c.pk: c for c in Centre.objects.filter(pk__in=ids).prefetch_related("members")}
    unknown = [i for i in ids if i not in centre_rows]
    if unknown:
        raise ValidationError({"centres": f"Unknown centre: {', '.join(map(str, unknown))}."})
    today = timezone.localdate()
    if deadline and deadline < today:
        raise ValidationError({"deadline": "The deadline cannot be in the past."})
    matches = {m.centre_id: m for m in matches_for(request, [centre_rows[i] for i in ids])}
    ineligible = [centre_rows[i].name for i in ids if not matches[i].eligible]
    if ineligible and not override_reason:
        raise ValidationError(
            {
                "centres": f"Not eligible: {', '.join(ineligible)}. "
                "Give an override reason to route them anyway, or leave them out."
            }
        )
    already = set(request.invitations.filter(centre_id__in=ids).values_list("centre_id", flat=True))
    made = []
    for centre_id in ids:
        if centre_id in already:
            continue
        centre, match = centre_rows[centre_id], matches[centre_id]
        invitation = Invitation(
            request=request,
            centre=centre,
            routed_at=timezone.now(),
            routed_by=actor,
            deadline=deadline or default_deadline(request, centre, today),
            score=match.score,
            eligible=match.eligible,
            explanation=match.explanation(),
            override_reason="" if match.eligible else override_reason,
        )
        _by(invitation, actor).save()
        made.append(invitation)
        _notify_invitation(invitation, "feasibility-invitation")
    if made and request.status == RequestStatus.TRIAGE:
        request.status = RequestStatus.CIRCULATING
        _by(request, actor).save(update_fields=["status"])
    return made


# Answers ---------------------------------------------------------------------------------------------


# The fields of a centre's answer, as submit_response takes them.


def invitations_to_remind(today: datetime.date | None = None, lead_days: int = REMINDER_WORKING_DAYS):
    """Outstanding, not yet reminded invitations whose deadline is `lead_days` working days away or less."""
    today = today or timezone.localdate()
    candidates = (
        Invitation.objects.outstanding()
        .filter(reminded_at__isnull=True, deadline__gte=today)
        .select_related("request", "centre")
        .prefetch_related("centre__members")
    )
    return [i for i in candidates if add_working_days(today, lead_days, i.centre.nation) >= i.deadline]


def invitations_remind(today: datetime.date | None = None, lead_days: int = REMINDER_WORKING_DAYS) -> int:
    """Send each due reminder once (Invitation.reminded_at records it); safe to run twice."""
    sent = 0
    for invitation in invitations_to_remind(today, lead_days):
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
            if locked.reminded_at is not None:
                continue
            locked.reminded_at = timezone.now()
            locked.save(update_fields=["reminded_at"])
            _notify_invitation(invitation, "feasibility-reminder")
            sent += 1
    return sent
