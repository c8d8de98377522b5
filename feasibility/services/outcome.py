"""Back to the sponsor, outcome and set-up."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from capabilities.models import Centre
from crm import permissions as access
from feasibility.models import (
    CLOSED_STATUSES,
    CentreResponse,
    Decision,
    FeasibilityRequest,
    RequestStatus,
    SiteSetUp,
    SponsorSummary,
)
from feasibility.services._common import (
    _by,
    _status_label,
)


def interested_responses(request: FeasibilityRequest):
    return (
        CentreResponse.objects.filter(invitation__request=request, decision=Decision.INTERESTED)
        .select_related("invitation__centre")
        .order_by("invitation__centre__name")
    )


@transaction.atomic
def sponsor_summary_record(
    *, actor, request: FeasibilityRequest, sent_to: str, sent_on: datetime.date | None = None, notes: str = ""
) -> SponsorSummary:
    """Record that the collated answer went to the sponsor (when, to whom, how many centres answered)."""
    access.require(access.can_write_requests(actor), "Only the Programme Office records sponsor summaries.")
    request = FeasibilityRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == RequestStatus.WITHDRAWN:
        raise ValidationError("This request was withdrawn; there is nothing to send to the sponsor.")
    if request.status == RequestStatus.TRIAGE or not request.invitations.exists():
        raise ValidationError("Route the request to centres before sending the sponsor their answers.")
    errors = {}
    if not (sent_to or "").strip():
        errors["sent_to"] = "Say to whom the summary was sent."
    sent_on = sent_on or timezone.localdate()
    if sent_on > timezone.localdate():
        errors["sent_on"] = "The summary cannot be sent in the future."
    if errors:
        raise ValidationError(errors)
    summary = SponsorSummary(
        request=request,
        sent_on=sent_on,
        sent_to=sent_to.strip(),
        sent_by=actor,
        centres_consulted=request.invitations.count(),
        centres_interested=interested_responses(request).count(),
        notes=(notes or "").strip(),
    )
    _by(summary, actor).save()
    if request.status == RequestStatus.CIRCULATING:
        request.status = RequestStatus.SUMMARY_SENT
        _by(request, actor).save(update_fields=["status"])
    return summary


OUTCOMES = (RequestStatus.PLACED, RequestStatus.NOT_PLACED, RequestStatus.WITHDRAWN)


@transaction.atomic
def request_set_outcome(
    *,
    actor,
    request: FeasibilityRequest,
    outcome: str,
    centres: Iterable[Centre | int] = (),
    notes: str = "",
    closed_on: datetime.date | None = None,
) -> FeasibilityRequest:
    """Close a request: placed (with the selected centres, who get set-up records), not placed, or withdrawn."""
    access.require(access.can_write_requests(actor), "Only the Programme Office records outcomes.")
    request = FeasibilityRequest.objects.select_for_update().get(pk=request.pk)
    if request.status in CLOSED_STATUSES:
        raise ValidationError(f"This request is already {_status_label(request)}; its outcome cannot change.")
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": "Choose placed, not placed or withdrawn."})
    ids = list(dict.fromkeys(c if isinstance(c, int) else c.pk for c in centres))
    closed_on = closed_on or timezone.localdate()
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": "The outcome date cannot be in the future."})
    if outcome != RequestStatus.WITHDRAWN and request.status == RequestStatus.TRIAGE:
        raise ValidationError("Route the request to centres before recording whether it was placed.")
    if outcome == RequestStatus.PLACED:
        if not ids:
            raise ValidationError({"centres": "Choose the centres the sponsor selected."})
        invited = set(request.invitations.filter(centre_id__in=ids).values_list("centre_id", flat=True))
        strangers = [i for i in ids if i not in invited]
        if strangers:
            names = Centre.objects.filter(pk__in=strangers).values_list("name", flat=True)
            raise ValidationError({"centres": f"Not invited to this request: {', '.join(names) or strangers}."})
    elif ids:
        raise ValidationError({"centres": "Only a placed request has selected centres."})
    request.status = outcome
    request.closed_on = closed_on
    if notes:
        request.outcome_notes = notes.strip()
    _by(request, actor).save(update_fields=["status", "closed_on", "outcome_notes"])
    existing = set(SiteSetUp.objects.filter(request=request, centre_id__in=ids).values_list("centre_id", flat=True))
    for centre_id in ids:
        if centre_id not in existing:
            setup = SiteSetUp(request=request, centre_id=centre_id, selected_on=closed_on)
            _by(setup, actor).save()
    return request


SETUP_FIELDS = (*SiteSetUp.DATES, "participants")
REGULATORY_FIELDS = (*FeasibilityRequest.REGULATORY_DATES, "advanced_therapy")


@transaction.atomic
def setup_update(*, actor, setup: SiteSetUp, **fields) -> SiteSetUp:
    """Record the set-up milestones of a selected centre (selection, contract, costing, opening, first
    participant) and its participants to date; dates must come in order and not in the future."""
    access.require(access.can_write_requests(actor), "Only the Programme Office records set-up dates.")
    unknown = set(fields) - set(SETUP_FIELDS)
    if unknown:
        raise TypeError(f"Unknown set-up fields: {', '.join(sorted(unknown))}")
    setup = SiteSetUp.objects.select_for_update().select_related("request").get(pk=setup.pk)
    if setup.request.status != RequestStatus.PLACED:
        raise ValidationError("Set-up is tracked only for placed requests.")
    if "participants" in fields and fields["participants"] is None:
        fields["participants"] = 0
    for name, value in fields.items():
        setattr(setup, name, value)
    setup.clean()
    _by(setup, actor).save()
    return setup


@transaction.atomic
def setup_add(*, actor, request: FeasibilityRequest, centre: Centre, **fields) -> SiteSetUp:
    """Follow one more site of a placed study (the sponsor added a centre after the outcome)."""
    access.require(access.can_write_requests(actor), "Only the Programme Office records set-up dates.")
    unknown = set(fields) - set(SETUP_FIELDS)
    if unknown:
        raise TypeError(f"Unknown set-up fields: {', '.join(sorted(unknown))}")
    request = FeasibilityRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.PLACED:
        raise ValidationError({"request": "Set-up is tracked only for placed requests."})
    if SiteSetUp.objects.filter(request=request, centre=centre).exists():
        raise ValidationError({"centre": f"{centre} is already followed for this study; change its set-up instead."})
    if fields.get("participants") is None:
        fields["participants"] = 0
    setup = SiteSetUp(request=request, centre=centre, **fields)
    setup.clean()
    _by(setup, actor).save()
    return setup


@transaction.atomic
def request_regulatory_update(*, actor, request: FeasibilityRequest, **fields) -> FeasibilityRequest:
    """Record the study's combined MHRA/ethics review: submission, approval, and whether it is an advanced
    therapy (90 days for approval). Kept on placed requests too, where set-up is followed."""
    access.require(access.can_write_requests(actor), "Only the Programme Office records regulatory dates.")
    unknown = set(fields) - set(REGULATORY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown regulatory fields: {', '.join(sorted(unknown))}")
    request = FeasibilityRequest.objects.select_for_update().get(pk=request.pk)
    if request.status in (RequestStatus.NOT_PLACED, RequestStatus.WITHDRAWN):
        raise ValidationError(f"This request is {_status_label(request)}; it has no regulatory review to follow.")
    for name, value in fields.items():
        setattr(request, name, value)
    request.clean_dates()
    _by(request, actor).save(update_fields=list(fields))
    return request


# Reminders ---------------------------------------------------------------------------------------------
