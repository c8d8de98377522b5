"""The sponsor's side: their company's requests with a timeline, submitting with a synopsis that fills the
form, documents added later, withdrawing, and the collated answers the office released.

Thin: each view fetches through crm.permissions, parses a form, calls a service, renders. A sponsor sees
how many centres were asked and when answers are due, never which centres or what they answered, until
the office releases the collated answer.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Min
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from crm import permissions as access
from crm.forms_util import add_service_errors
from feasibility import services
from feasibility.forms import (
    AttachmentForm,
    SponsorOpportunityForm,
    SynopsisForm,
    WithdrawForm,
    extraction_initial,
    show_evidence,
)
from feasibility.models import RequestStatus
from feasibility.timeline import current_step, timeline_steps


def _require_sponsor(user) -> None:
    access.require(access.is_sponsor(user), "These pages are for sponsor accounts.")
    access.require(
        access.sponsor_organisation_id(user) is not None,
        "Your account is not tied to a company yet; ask the Programme Office.",
    )


def _with_progress(queryset):
    """Each request with what its timeline needs, counted in the database (no centre names)."""
    return queryset.select_related("sponsor").annotate(
        centres=Count("invitations", distinct=True),
        first_routed_at=Min("invitations__routed_at"),
        answers_due_on=Max("invitations__deadline"),
        released_at=Min("summaries_sent__released_at"),
    )


def _date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


def _steps(feasibility_request, today: datetime.date):
    return timeline_steps(
        received_on=feasibility_request.received_on,
        status=feasibility_request.status,
        centres=feasibility_request.centres,
        first_routed_on=_date(feasibility_request.first_routed_at),
        answers_due_on=feasibility_request.answers_due_on,
        released_on=_date(feasibility_request.released_at),
        closed_on=feasibility_request.closed_on,
        today=today,
    )


@login_required
def sponsor_home(request):
    """Each of the company's requests, newest first, with its timeline."""
    _require_sponsor(request.user)
    today = timezone.localdate()
    rows = []
    for feasibility_request in _with_progress(access.visible_requests(request.user)).order_by("-received_on", "-pk"):
        steps = _steps(feasibility_request, today)
        rows.append({"object": feasibility_request, "steps": steps, "current": current_step(steps)})
    context = {"rows": rows, "organisation": request.user.organisation, "today": today}
    return render(request, "feasibility/sponsor_home.html", context)


@login_required
def sponsor_request(request, pk):
    """One request as its sponsor follows it: timeline, what was sent, documents, released answers, withdraw."""
    _require_sponsor(request.user)
    feasibility_request = access.get_visible_or_404(_with_progress(access.visible_requests(request.user)), pk=pk)
    context = {
        "object": feasibility_request,
        "steps": _steps(feasibility_request, timezone.localdate()),
        "tumour_types": feasibility_request.tumour_types.all(),
        "requirements": feasibility_request.requirements.select_related("capability"),
        "attachments": feasibility_request.attachments.all(),
        "summaries": access.visible_sponsor_summaries(request.user).filter(request=feasibility_request),
        "attachment_form": AttachmentForm() if not feasibility_request.is_closed else None,
        "withdraw_form": WithdrawForm() if not feasibility_request.is_closed else None,
    }
    return render(request, "feasibility/sponsor_request.html", context)


@login_required
@require_POST
def sponsor_withdraw(request, pk):
    """The sponsor withdraws its opportunity, saying why; the office sees the reason in the outcome notes."""
    _require_sponsor(request.user)
    feasibility_request = access.get_visible_or_404(access.visible_requests(request.user), pk=pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.request_set_outcome(
                actor=request.user,
                request=feasibility_request,
                outcome=RequestStatus.WITHDRAWN,
                notes=f"Withdrawn by the sponsor: {form.cleaned_data['reason']}",
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{feasibility_request.reference} is withdrawn; the network will not pursue it.")
    else:
        messages.error(request, "Say why you are withdrawing the opportunity.")
    return redirect("feasibility:sponsor-request", feasibility_request.pk)


def synopsis_prefill(request, form_class, **form_kwargs):
    """Read the posted synopsis into an unbound form of `form_class`: (form, synopsis form, evidence shown).

    Nothing is saved: the form comes back filled for a person to check and send. A file that cannot be read
    leaves the form empty and usable by hand, with the reason next to the upload.
    """
    synopsis_form = SynopsisForm(request.POST, request.FILES)
    form, evidence = form_class(**form_kwargs), []
    if synopsis_form.is_valid():
        try:
            extraction, text = services.synopsis_extract(
                actor=request.user,
                upload=synopsis_form.cleaned_data.get("synopsis_file"),
                text=synopsis_form.cleaned_data.get("synopsis_text") or "",
            )
        except ValidationError as exc:
            synopsis_form.add_error("synopsis_file", exc.message_dict.get("synopsis") or exc.messages)
        else:
            form = form_class(initial=extraction_initial(extraction.fields, text), **form_kwargs)
            evidence = show_evidence(form, extraction.evidence)
            synopsis_form = SynopsisForm()
    return form, synopsis_form, evidence


@login_required
def sponsor_submit(request):
    """Send an opportunity for the company: upload or paste a synopsis to fill the form, check it, send it."""
    _require_sponsor(request.user)
    user = request.user
    nda_needed = not user.has_accepted_nda(settings.NETWORK_NDA_VERSION)
    evidence = []
    synopsis_form = SynopsisForm()
    if request.method == "POST" and request.POST.get("step") == "extract":
        form, synopsis_form, evidence = synopsis_prefill(request, SponsorOpportunityForm, nda_needed=nda_needed)
    elif request.method == "POST":
        form = SponsorOpportunityForm(request.POST, request.FILES, nda_needed=nda_needed)
        if form.is_valid():
            try:
                made = services.request_submit_sponsor(actor=user, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Thank you: {made.reference} is with the Programme Office.")
                return redirect("feasibility:sponsor-request", made.pk)
    else:
        form = SponsorOpportunityForm(nda_needed=nda_needed)
    context = {
        "form": form,
        "synopsis_form": synopsis_form,
        "evidence": evidence,
        "nda_needed": nda_needed,
        "nda_version": settings.NETWORK_NDA_VERSION,
        "organisation": user.organisation,
    }
    return render(request, "feasibility/sponsor_submit.html", context)
