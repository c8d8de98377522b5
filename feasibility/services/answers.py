"""Centres' answers: submit, reopen, change the deadline."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from crm import permissions as access
from feasibility.models import (
    CentreResponse,
    Decision,
    DeclineReason,
    Invitation,
)
from feasibility.services._common import (
    REOPEN_WORKING_DAYS,
    _by,
    _refuse_if_closed,
)
from feasibility.services.routing import _notify_invitation
from feasibility.workdays import add_working_days

ANSWER_FIELDS = (
    "decision",
    "decline_reason",
    "principal_investigator",
    "estimated_patients",
    "earliest_start",
    "comments",
)


@transaction.atomic
def submit_response(
    *,
    actor,
    invitation: Invitation,
    decision: str,
    decline_reason: str = "",
    principal_investigator: str = "",
    estimated_patients: int | None = None,
    earliest_start: datetime.date | None = None,
    comments: str = "",
) -> CentreResponse:
    """A centre's answer (or the Programme Office's on its behalf); it may be changed until the deadline."""
    invitation = (
        Invitation.objects.select_related("request", "centre").select_for_update(of=("self",)).get(pk=invitation.pk)
    )
    access.require(access.answers_for_centre(actor, invitation), access.ANSWERS_FOR_CENTRE_ONLY)
    refusal = access.answer_refusal(actor, invitation)
    if refusal:
        raise ValidationError(refusal)
    decline_reason = decline_reason or ""
    errors = {}
    if decision not in Decision.values:
        errors["decision"] = "Choose interested, declined or more information needed."
    elif decision == Decision.DECLINED and not decline_reason:
        errors["decline_reason"] = "Give a reason when declining."
    elif decision != Decision.DECLINED and decline_reason:
        errors["decline_reason"] = "A reason is only given when declining."
    if decline_reason and decline_reason not in DeclineReason.values:
        errors["decline_reason"] = "Choose one of the listed reasons."
    if estimated_patients is not None and estimated_patients < 0:
        errors["estimated_patients"] = "Give a number of patients, 0 or more."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    values = {
        "decision": decision,
        "decline_reason": decline_reason,
        "principal_investigator": (principal_investigator or "").strip(),
        "estimated_patients": estimated_patients,
        "earliest_start": earliest_start,
        "comments": (comments or "").strip(),
        "responded_by": actor,
        "responded_at": now,
    }
    response = CentreResponse.objects.filter(invitation=invitation).first()
    if response is None:
        response = CentreResponse(invitation=invitation, first_responded_at=now, **values)
    else:
        for name, value in values.items():
            setattr(response, name, value)
    _by(response, actor).save()
    return response


@transaction.atomic
def invitation_reopen(*, actor, invitation: Invitation, deadline: datetime.date | None = None) -> Invitation:
    """Let a centre answer after its deadline passed: a new deadline (default 5 working days from today)."""
    access.require(access.can_write_requests(actor), "Only the Programme Office reopens a request for a centre.")
    invitation = Invitation.objects.select_related("request", "centre").get(pk=invitation.pk)
    _refuse_if_closed(invitation.request, "reopened")
    today = timezone.localdate()
    if invitation.deadline >= today:
        raise ValidationError(
            f"The deadline ({invitation.deadline:%d %b %Y}) has not passed; there is nothing to reopen."
        )
    new_deadline = deadline or add_working_days(today, REOPEN_WORKING_DAYS, invitation.centre.nation)
    if new_deadline < today:
        raise ValidationError({"deadline": "The new deadline cannot be in the past."})
    invitation.deadline = new_deadline
    invitation.reopened_at = timezone.now()
    invitation.reminded_at = None
    _by(invitation, actor).save(update_fields=["deadline", "reopened_at", "reminded_at"])
    _notify_invitation(invitation, "feasibility-reopened")
    return invitation


@transaction.atomic
def invitation_deadline_change(*, actor, invitation: Invitation, deadline: datetime.date) -> Invitation:
    access.require(access.can_write_requests(actor), "Only the Programme Office changes deadlines.")
    invitation = Invitation.objects.select_related("request").get(pk=invitation.pk)
    _refuse_if_closed(invitation.request, "changed")
    if deadline is None:
        raise ValidationError({"deadline": "Give the new deadline."})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": "The deadline cannot be in the past."})
    invitation.deadline = deadline
    invitation.reminded_at = None
    _by(invitation, actor).save(update_fields=["deadline", "reminded_at"])
    return invitation


# Back to the sponsor, outcome and set-up -----------------------------------------------------------------
