"""Requests: the triage list, the form, the detail page with matches, routing, attachments.

Thin: each view fetches through crm.permissions, parses a form, calls a service, renders.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from crm import permissions as access
from crm.forms_util import add_service_errors
from feasibility import services
from feasibility.forms import (
    AttachmentForm,
    RequestFilterForm,
    RequestForm,
    RouteForm,
    SynopsisForm,
)
from feasibility.models import (
    RequestStatus,
)
from feasibility.views._common import (
    REQUESTS_PER_PAGE,
    _answer_form_for,
    _get_request_for_user,
    _invitations_of,
)
from feasibility.views.sponsor import synopsis_prefill

# Requests ---------------------------------------------------------------------------------------------


@login_required
def request_list(request):
    """The triage queue on top, then every request with filters."""
    access.require(access.reads_everything(request.user), "Centre staff see their requests under Requests to answer.")
    form = RequestFilterForm(request.GET or None)
    requests = (
        access.visible_requests(request.user)
        .select_related("sponsor")
        .annotate(
            invited=Count("invitations", distinct=True),
            answered=Count("invitations__response", distinct=True),
            interested=Count(
                "invitations__response", filter=Q(invitations__response__decision="interested"), distinct=True
            ),
        )
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            words = data["q"].split()
            for word in words:
                requests = requests.filter(
                    Q(reference__icontains=word)
                    | Q(title__icontains=word)
                    | Q(asset__icontains=word)
                    | Q(sponsor__name__icontains=word)
                )
        if data["status"]:
            requests = requests.filter(status=data["status"])
        if data["modality"]:
            requests = requests.filter(modality=data["modality"])
        if data["year"]:
            requests = requests.filter(received_on__year=data["year"])
        if data["received_after"]:
            requests = requests.filter(received_on__gte=data["received_after"])
        if data["received_before"]:
            requests = requests.filter(received_on__lte=data["received_before"])
    triage = (
        access.visible_requests(request.user)
        .filter(status=RequestStatus.TRIAGE)
        .select_related("sponsor")
        .order_by("received_on", "id")
    )
    page = Paginator(requests.order_by("-received_on", "-id"), REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "requests": page,
        "page": page,
        "query": query.urlencode(),
        "triage": triage,
        "can_write": access.can_write_requests(request.user),
    }
    return render(request, "feasibility/request_list.html", context)


def _request_form_page(request, form, feasibility_request=None):
    return render(request, "feasibility/request_form.html", {"form": form, "object": feasibility_request})


@login_required
def request_create(request):
    access.require(access.can_write_requests(request.user), "Only the Programme Office logs requests.")
    engagement = None
    if request.GET.get("engagement"):
        engagement = access.get_visible_or_404(
            access.visible_engagements(request.user).prefetch_related("organisations", "contacts"),
            pk=request.GET["engagement"],
        )
    evidence, synopsis_form = [], SynopsisForm()
    if request.method == "POST" and request.POST.get("step") == "extract":
        form, synopsis_form, evidence = synopsis_prefill(request, RequestForm)
    elif request.method == "POST":
        form = RequestForm(request.POST)
        if form.is_valid():
            try:
                made = services.request_create(
                    actor=request.user, source_engagement=engagement, **form.service_kwargs()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Request {made.reference} logged. Check the matches and route it.")
                return redirect("feasibility:request-detail", made.pk)
    else:
        initial = {}
        if engagement:
            organisations = list(engagement.organisations.all())
            initial = {
                "sponsor": organisations[0] if organisations else None,
                "sponsor_contacts": list(engagement.contacts.all()),
                "received_on": engagement.occurred_on,
            }
        form = RequestForm(initial=initial)
    context = {"form": form, "engagement": engagement, "synopsis_form": synopsis_form, "evidence": evidence}
    return render(request, "feasibility/request_form.html", context)


@login_required
def request_edit(request, pk):
    feasibility_request = _get_request_for_user(request.user, pk)
    access.require(access.can_write_requests(request.user), "Only the Programme Office edits requests.")
    if request.method == "POST":
        form = RequestForm(request.POST)
        if form.is_valid():
            try:
                services.request_update(actor=request.user, request=feasibility_request, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Request updated; the matches below reflect the change.")
                return redirect("feasibility:request-detail", feasibility_request.pk)
    else:
        form = RequestForm(initial=RequestForm.initial_for(feasibility_request))
    return render(request, "feasibility/request_form.html", {"form": form, "object": feasibility_request})


@login_required
def request_detail(request, pk):
    """The Programme Office and viewers see matches and every answer; centre staff their own invitation only."""
    feasibility_request = _get_request_for_user(request.user, pk)
    user = request.user
    if access.is_sponsor(user):
        # A sponsor reads its request through its own page: a timeline, never the centres' answers.
        return redirect("feasibility:sponsor-request", feasibility_request.pk)
    invitations = list(_invitations_of(feasibility_request, user))
    context = {
        "object": feasibility_request,
        "invitations": invitations,
        "requirements": feasibility_request.requirements.select_related("capability"),
        "tumour_types": feasibility_request.tumour_types.all(),
        "attachments": feasibility_request.attachments.all(),
        "can_write": access.can_write_requests(user),
        "today": timezone.localdate(),
    }
    if access.can_see_matches(user):
        invited = {i.centre_id for i in invitations}
        matches = [{"match": m, "invited": m.centre_id in invited} for m in services.matches_for(feasibility_request)]
        context["matches"] = matches
        context["eligible_matches"] = [row for row in matches if row["match"].eligible]
        context["other_matches"] = [row for row in matches if not row["match"].eligible]
        context["answered_count"] = sum(1 for i in invitations if hasattr(i, "response"))
        context["summaries"] = feasibility_request.summaries_sent.select_related("sent_by")
        context["is_closed"] = feasibility_request.is_closed
        context["attachment_form"] = AttachmentForm()
    else:
        context["answer_forms"] = [(i, _answer_form_for(i), access.answer_refusal(user, i)) for i in invitations]
    return render(request, "feasibility/request_detail.html", context)


@login_required
@require_POST
def matches_preview(request):
    """The matches of the requirements being edited, before saving (htmx, on every change of the form)."""
    access.require(access.can_see_matches(request.user))
    modality = request.POST.get("modality", "")
    spec = services.spec_from_codes(
        populations=request.POST.getlist("populations"),
        modality=modality,
        required=request.POST.getlist("required"),
        preferred=request.POST.getlist("preferred"),
        tumour_types=request.POST.getlist("tumour_types"),
    )
    matches = services.matches_for_spec(spec) if spec.populations else []
    eligible = [m for m in matches if m.eligible]
    return render(
        request,
        "feasibility/partials/matches_preview.html",
        {"matches": matches, "eligible": eligible, "has_population": bool(spec.populations)},
    )


@login_required
@require_POST
def request_route(request, pk):
    feasibility_request = _get_request_for_user(request.user, pk)
    access.require(access.can_write_requests(request.user), "Only the Programme Office routes requests.")
    form = RouteForm(request.POST)
    if form.is_valid():
        try:
            made = services.route_request(actor=request.user, request=feasibility_request, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if made:
                messages.success(request, f"Routed to {len(made)} centre(s): {', '.join(i.centre.name for i in made)}.")
            else:
                messages.info(request, "Every chosen centre was already invited; nothing new was sent.")
    else:
        messages.error(request, "Choose at least one centre to invite.")
    return redirect("feasibility:request-detail", feasibility_request.pk)


@login_required
@require_POST
def request_attach(request, pk):
    feasibility_request = _get_request_for_user(request.user, pk)
    access.require(
        access.can_add_documents(request.user, feasibility_request), "Only the Programme Office attaches documents."
    )
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.request_attach(
                actor=request.user, request=feasibility_request, uploads=form.cleaned_data["attachments"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Documents attached.")
    else:
        messages.error(request, "Choose at least one PDF, DOCX or XLSX file.")
    return redirect("feasibility:request-detail", feasibility_request.pk)  # a sponsor is sent on to its own page


@login_required
def attachment_download(request, pk, attachment_pk):
    feasibility_request = _get_request_for_user(request.user, pk)
    attachment = access.get_visible_or_404(feasibility_request.attachments.all(), pk=attachment_pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
