"""Back to the sponsor, outcome and set-up."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from capabilities.models import Centre
from crm import permissions as access
from crm.tasks import send_email_task
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
    ADVANCED_THERAPIES,
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


@transaction.atomic
def sponsor_summary_release(*, actor, summary: SponsorSummary, base_url: str = "") -> SponsorSummary:
    """Release a recorded summary to the sponsor's accounts: freeze its PDF and CSV as they stand now, and email
    each active account of the sponsor a link (never the answers themselves)."""
    from feasibility.summaries import summary_context, summary_csv, summary_pdf

    access.require(access.can_release_sponsor_summaries(actor), "Only the Programme Office releases summaries.")
    summary = SponsorSummary.objects.select_for_update().select_related("request__sponsor").get(pk=summary.pk)
    request = summary.request
    if summary.released_at:
        raise ValidationError(
            f"This summary was already released on {timezone.localtime(summary.released_at):%d %b %Y}."
        )
    if request.status == RequestStatus.WITHDRAWN:
        raise ValidationError("This request was withdrawn; there is nothing to release to the sponsor.")
    context = summary_context(request)
    summary.pdf.save(
        f"{request.reference}-collated-answer.pdf",
        ContentFile(summary_pdf(context, base_url=base_url or settings.SITE_URL + "/")),
        save=False,
    )
    summary.csv = summary_csv(context)
    summary.released_at = timezone.now()
    summary.released_by = actor
    summary._change_reason = "Released to the sponsor"
    _by(summary, actor).save()
    recipients = list(
        request.sponsor.sponsor_users.filter(is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if recipients:
        email_context = {
            "reference": request.reference,
            "link": settings.SITE_URL + reverse("feasibility:sponsor-request", args=[request.pk]),
        }
        transaction.on_commit(
            lambda: send_email_task.enqueue("feasibility-summary-released", recipients, email_context)
        )
    return summary


SUMMARY_FORMATS = ("pdf", "csv")


def sponsor_summary_download(*, actor, summary: SponsorSummary, kind: str) -> bytes:
    """The released file (PDF or CSV) as frozen at release; the download is recorded in the summary's history."""
    if kind not in SUMMARY_FORMATS:
        raise ValidationError("Download the summary as PDF or CSV.")
    with transaction.atomic():
        locked = SponsorSummary.objects.select_for_update().get(pk=summary.pk)
        if not locked.released_at:
            raise ValidationError("This summary has not been released to the sponsor yet.")
        locked.downloads += 1
        locked.last_downloaded_at = timezone.now()
        locked._change_reason = f"Downloaded ({kind.upper()})"
        _by(locked, actor).save(update_fields=["downloads", "last_downloaded_at"])
    if kind == "csv":
        return locked.csv.encode()
    with locked.pdf.open("rb") as handle:
        return handle.read()


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
    """Close a request: placed (with the selected centres, who get set-up records), not placed, or withdrawn.

    The sponsor's own accounts may withdraw their opportunity, saying why (the reason is kept in its notes).
    """
    if outcome == RequestStatus.WITHDRAWN and not access.can_write_requests(actor):
        access.require(access.can_withdraw_request(actor, request), "Only the Programme Office records outcomes.")
        if not (notes or "").strip():
            raise ValidationError({"notes": "Say why the opportunity is withdrawn."})
    else:
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
            setup = SiteSetUp(
                request=request,
                centre_id=centre_id,
                selected_on=closed_on,
                advanced_therapy=request.modality in ADVANCED_THERAPIES,
            )
            _by(setup, actor).save()
    return request


SETUP_DATES = (
    "regulatory_submitted_on",
    "regulatory_approved_on",
    "selected_on",
    "opened_on",
    "first_participant_on",
)


@transaction.atomic
def setup_update(*, actor, setup: SiteSetUp, advanced_therapy: bool | None = None, **dates) -> SiteSetUp:
    """Record the set-up milestones of a selected centre; dates must come in order and not in the future."""
    access.require(access.can_write_requests(actor), "Only the Programme Office records set-up dates.")
    unknown = set(dates) - set(SETUP_DATES)
    if unknown:
        raise TypeError(f"Unknown set-up fields: {', '.join(sorted(unknown))}")
    setup = SiteSetUp.objects.select_for_update().get(pk=setup.pk)
    if setup.request.status != RequestStatus.PLACED:
        raise ValidationError("Set-up is tracked only for placed requests.")
    today = timezone.localdate()
    future = {name: "This date is in the future." for name, value in dates.items() if value and value > today}
    if future:
        raise ValidationError(future)
    for name, value in dates.items():
        setattr(setup, name, value)
    if advanced_therapy is not None:
        setup.advanced_therapy = advanced_therapy
    setup.clean()
    _by(setup, actor).save()
    return setup


# Reminders ---------------------------------------------------------------------------------------------
