"""HTML pages of feasibility requests: triage, matching and routing, answers, sponsor summary, outcome, scorecards.

Thin: each view fetches through crm.permissions, parses a form, calls a service, renders.
"""

import datetime
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, OuterRef, Prefetch, Q, Subquery, When
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from crm import exports
from crm import permissions as access
from crm.forms_util import add_service_errors, redirect_back
from feasibility import kpis, services
from feasibility.forms import (
    AnswerForm,
    AttachmentForm,
    DeadlineForm,
    OutcomeForm,
    PublicOpportunityForm,
    RequestFilterForm,
    RequestForm,
    RouteForm,
    SetupForm,
    SummaryForm,
)
from feasibility.models import (
    CLOSED_STATUSES,
    FIRST_PARTICIPANT_TARGET_DAYS,
    OPEN_TARGET_DAYS,
    OVERALL_TARGET_DAYS,
    CentreResponse,
    Decision,
    FeasibilityRequest,
    Invitation,
    RequestStatus,
    SiteSetUp,
)

REQUESTS_PER_PAGE = 50
PUBLIC_FORM_LIMIT = 5  # submissions per hour per address
PUBLIC_FORM_WINDOW = 60 * 60


# Helpers that fetch what the user may see ------------------------------------------------------------


def _get_request_for_user(user, pk) -> FeasibilityRequest:
    return access.get_visible_or_404(
        access.visible_requests(user).select_related("sponsor", "owner", "source_engagement"), pk=pk
    )


def _get_invitation_for_user(user, pk) -> Invitation:
    return access.get_visible_or_404(
        access.visible_invitations(user).select_related("request", "request__sponsor", "centre", "response"), pk=pk
    )


def _invitations_of(feasibility_request, user):
    return (
        access.visible_invitations(user)
        .filter(request=feasibility_request)
        .select_related("centre", "response", "routed_by", "response__responded_by")
        .order_by("centre__name")
    )


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
    if request.method == "POST":
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
    return render(request, "feasibility/request_form.html", {"form": form, "engagement": engagement})


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
    access.require(access.can_write_requests(request.user), "Only the Programme Office attaches documents.")
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
    return redirect("feasibility:request-detail", feasibility_request.pk)


@login_required
def attachment_download(request, pk, attachment_pk):
    feasibility_request = _get_request_for_user(request.user, pk)
    attachment = access.get_visible_or_404(feasibility_request.attachments.all(), pk=attachment_pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


# Answers ------------------------------------------------------------------------------------------------


def _answer_form_for(invitation, data=None):
    """The answer form, filled with the answer on record if there is one."""
    answer = getattr(invitation, "response", None)
    initial = {name: getattr(answer, name) for name in services.ANSWER_FIELDS} if answer else {}
    return AnswerForm(data, initial=initial, prefix=f"inv{invitation.pk}")


@login_required
def answer(request, pk):
    invitation = _get_invitation_for_user(request.user, pk)
    refusal = access.answer_refusal(request.user, invitation)
    if request.method == "POST":
        access.require(access.answers_for_centre(request.user, invitation), access.ANSWERS_FOR_CENTRE_ONLY)
        form = _answer_form_for(invitation, request.POST)
        if form.is_valid():
            try:
                services.submit_response(actor=request.user, invitation=invitation, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, f"Answer for {invitation.request.reference} saved. You can change it until the deadline."
                )
                if access.is_centre_staff(request.user):
                    return redirect("feasibility:to-answer")
                return redirect("feasibility:request-detail", invitation.request_id)
    else:
        form = _answer_form_for(invitation)
    context = {
        "invitation": invitation,
        "object": invitation.request,
        "form": form,
        "refusal": refusal,
        "on_behalf": access.reads_everything(request.user),
        "requirements": invitation.request.requirements.select_related("capability"),
        "tumour_types": invitation.request.tumour_types.all(),
        "attachments": invitation.request.attachments.all(),
    }
    return render(request, "feasibility/answer.html", context)


@login_required
def to_answer(request):
    """Centre staff: the requests routed to their centres, soonest deadline first."""
    access.require(access.is_centre_staff(request.user), "This page lists a centre's own requests to answer.")
    invitations = (
        access.visible_invitations(request.user)
        .exclude(request__status__in=CLOSED_STATUSES)
        .select_related("request", "centre", "response")
        .order_by("deadline", "request__reference")
    )
    today = timezone.localdate()
    return render(
        request,
        "feasibility/to_answer.html",
        {
            "open": [i for i in invitations if i.deadline >= today],
            "past": [i for i in invitations if i.deadline < today],
            "several_centres": len({i.centre_id for i in invitations}) > 1,
            "today": today,
        },
    )


@login_required
def outstanding(request):
    """Answers still awaited (Invitation.objects.outstanding: circulating requests only), overdue first."""
    access.require(access.reads_everything(request.user))
    today = timezone.localdate()
    invitations = (
        access.visible_invitations(request.user)
        .outstanding()
        .select_related("request", "centre")
        .order_by("deadline", "centre__name")
    )
    rows = list(invitations)
    return render(
        request,
        "feasibility/outstanding.html",
        {
            "overdue": _by_request([i for i in rows if i.deadline < today]),
            "waiting": _by_request([i for i in rows if i.deadline >= today]),
            "overdue_count": sum(1 for i in rows if i.deadline < today),
            "waiting_count": sum(1 for i in rows if i.deadline >= today),
            "today": today,
            "can_write": access.can_write_requests(request.user),
        },
    )


def _by_request(invitations: list[Invitation]) -> list[tuple[FeasibilityRequest, list[Invitation]]]:
    """Invitations grouped under their request, in the order of each request's first invitation."""
    groups: dict[int, tuple[FeasibilityRequest, list[Invitation]]] = {}
    for invitation in invitations:
        groups.setdefault(invitation.request_id, (invitation.request, []))[1].append(invitation)
    return list(groups.values())


@login_required
@require_POST
def invitation_reopen(request, pk):
    invitation = _get_invitation_for_user(request.user, pk)
    access.require(access.can_write_requests(request.user), "Only the Programme Office reopens requests.")
    try:
        services.invitation_reopen(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        invitation.refresh_from_db()
        messages.success(request, f"Reopened for {invitation.centre} until {invitation.deadline:%d %b %Y}.")
    return redirect_back(request, "feasibility:request-detail", invitation.request_id)


@login_required
@require_POST
def invitation_deadline(request, pk):
    invitation = _get_invitation_for_user(request.user, pk)
    access.require(access.can_write_requests(request.user), "Only the Programme Office changes deadlines.")
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_deadline_change(
                actor=request.user, invitation=invitation, deadline=form.cleaned_data["deadline"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Deadline for {invitation.centre} changed.")
    else:
        messages.error(request, "Give a valid date.")
    return redirect_back(request, "feasibility:request-detail", invitation.request_id)


# Public opportunity form -----------------------------------------------------------------------------------


def _client_address(request) -> str:
    """The sender's address as allauth's sign-in rate limits read it (proxy-aware: TRUSTED_PROXY_COUNT)."""
    from allauth.account.adapter import get_adapter

    return get_adapter(request).get_client_ip(request) or "unknown"


def public_form(request):
    """Anonymous sponsors send an opportunity; a honeypot and a per-address rate limit keep robots out."""
    if request.method == "POST":
        key = f"feasibility:public-form:{_client_address(request)}"
        cache.add(key, 0, PUBLIC_FORM_WINDOW)
        if cache.get(key, 0) >= PUBLIC_FORM_LIMIT:
            form = PublicOpportunityForm(request.POST)
            return render(
                request,
                "feasibility/public_form.html",
                {"form": form, "limited": True},
                status=429,
            )
        form = PublicOpportunityForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, PUBLIC_FORM_WINDOW)
            if data.pop("website"):
                # A robot filled the hidden field: thank it and keep nothing.
                return redirect("feasibility:public-thanks")
            try:
                attachments = data.pop("attachments")
                made = services.request_submit_public(**data, attachments=attachments)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                request.session["public_reference"] = made.reference
                return redirect("feasibility:public-thanks")
    else:
        form = PublicOpportunityForm()
    return render(request, "feasibility/public_form.html", {"form": form})


def public_thanks(request):
    return render(request, "feasibility/public_thanks.html", {"reference": request.session.pop("public_reference", "")})


# Sponsor summary ------------------------------------------------------------------------------------------


def _summary_context(feasibility_request) -> dict:
    invitations = list(feasibility_request.invitations.select_related("centre", "response").order_by("centre__name"))
    answered = [i for i in invitations if hasattr(i, "response")]
    interested = [i for i in answered if i.response.decision == Decision.INTERESTED]
    declined = [i for i in answered if i.response.decision == Decision.DECLINED]
    reasons = Counter(i.response.get_decline_reason_display() for i in declined)
    return {
        "object": feasibility_request,
        "consulted": len(invitations),
        "answered": len(answered),
        "unanswered": len(invitations) - len(answered),
        "interested": interested,
        "declined": declined,
        "decline_reasons": sorted(reasons.items(), key=lambda item: (-item[1], item[0])),
        "more_info": sum(1 for i in answered if i.response.decision == Decision.MORE_INFO),
        "patients": sum(i.response.estimated_patients or 0 for i in interested),
        "today": timezone.localdate(),
    }


def _summary_rows(context: dict) -> list[list]:
    """The interested centres' answers, then a blank line and the totals (the sponsor summary's CSV)."""
    rows: list[list] = [
        [
            invitation.centre.name,
            invitation.response.principal_investigator,
            invitation.response.estimated_patients,
            invitation.response.earliest_start,
            invitation.response.comments,
        ]
        for invitation in context["interested"]
    ]
    return [*rows, [], ["centres consulted", context["consulted"]], ["centres interested", len(context["interested"])]]


@login_required
def sponsor_summary(request, pk):
    """The collated answer for the sponsor (page, PDF, CSV) and the record of when and to whom it went."""
    feasibility_request = _get_request_for_user(request.user, pk)
    access.require(access.reads_everything(request.user), "Only the Programme Office sends the sponsor summary.")
    context = _summary_context(feasibility_request)
    output = request.GET.get("format")
    if output == "csv":
        return exports.csv_response(
            f"{feasibility_request.reference}-summary",
            ["centre", "principal_investigator", "estimated_patients", "earliest_start", "comments"],
            _summary_rows(context),
        )
    if output == "pdf":
        from weasyprint import HTML

        html = render_to_string("feasibility/sponsor_summary_pdf.html", context, request=request)
        pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{feasibility_request.reference}-summary.pdf"'
        return response
    form = None
    if access.can_write_requests(request.user):
        if request.method == "POST":
            form = SummaryForm(request.POST)
            if form.is_valid():
                try:
                    services.sponsor_summary_record(
                        actor=request.user, request=feasibility_request, **form.cleaned_data
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, "Recorded: the sponsor has their answer.")
                    return redirect("feasibility:sponsor-summary", feasibility_request.pk)
        else:
            contacts = [c.email for c in feasibility_request.sponsor_contacts.all() if c.email]
            form = SummaryForm(initial={"sent_to": ", ".join(contacts) or feasibility_request.submitter_email})
    elif request.method == "POST":
        access.require(False, "Only the Programme Office records sponsor summaries.")
    context["form"] = form
    context["summaries"] = feasibility_request.summaries_sent.select_related("sent_by")
    return render(request, "feasibility/sponsor_summary.html", context)


# Outcome and set-up -----------------------------------------------------------------------------------------


def setup_rows(setups):
    """Each set-up with its stages measured against the UK targets."""
    rows = []
    for setup in setups:
        stages = [
            ("Approval", setup.days_to_approval, setup.approval_target_days, setup.regulatory_approved_on),
            ("Open", setup.days_to_open, OPEN_TARGET_DAYS, setup.opened_on),
            (
                "First participant",
                setup.days_to_first_participant,
                FIRST_PARTICIPANT_TARGET_DAYS,
                setup.first_participant_on,
            ),
            ("Overall", setup.days_overall, OVERALL_TARGET_DAYS, None),
        ]
        rows.append(
            {
                "setup": setup,
                "stages": [
                    {
                        "label": label,
                        "days": days,
                        "target": target,
                        "on": on,
                        "status": kpis.target_status(days, target),
                    }
                    for label, days, target, on in stages
                ],
            }
        )
    return rows


@login_required
def request_outcome(request, pk):
    feasibility_request = _get_request_for_user(request.user, pk)
    access.require(access.reads_everything(request.user), "Outcome and set-up are kept by the Programme Office.")
    can_write = access.can_write_requests(request.user)
    answers = CentreResponse.objects.filter(invitation__request=feasibility_request, invitation__centre=OuterRef("pk"))
    invited = (
        access.visible_centres(request.user)
        .filter(invitations__request=feasibility_request)
        .annotate(decision=Subquery(answers.values("decision")[:1]))
        .order_by(Case(When(decision=Decision.INTERESTED, then=0), default=1), "name")
    )
    form = None
    if can_write and not feasibility_request.is_closed:
        form = OutcomeForm(request.POST or None, invited=invited)
        if request.method == "POST" and form.is_valid():
            try:
                services.request_set_outcome(actor=request.user, request=feasibility_request, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Outcome recorded.")
                return redirect("feasibility:outcome", feasibility_request.pk)
    elif request.method == "POST":
        access.require(can_write, "Only the Programme Office records outcomes.")
        messages.error(request, "This request is closed; its outcome cannot change.")
        return redirect("feasibility:outcome", feasibility_request.pk)
    setups = feasibility_request.setups.select_related("centre")
    rows = setup_rows(setups)
    for row in rows:
        s = row["setup"]
        row["form"] = (
            SetupForm(initial={name: getattr(s, name) for name in SetupForm.base_fields}, prefix=f"setup{s.pk}")
            if can_write
            else None
        )
    return render(
        request,
        "feasibility/outcome.html",
        {"object": feasibility_request, "form": form, "rows": rows, "can_write": can_write},
    )


@login_required
@require_POST
def setup_edit(request, pk):
    setup = access.get_visible_or_404(access.visible_setups(request.user).select_related("request"), pk=pk)
    access.require(access.can_write_requests(request.user), "Only the Programme Office records set-up dates.")
    form = SetupForm(request.POST, prefix=f"setup{setup.pk}")
    if form.is_valid():
        try:
            services.setup_update(actor=request.user, setup=setup, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Set-up dates for {setup.centre} saved.")
    else:
        messages.error(request, "Give valid dates.")
    return redirect("feasibility:outcome", setup.request_id)


# Scorecards -----------------------------------------------------------------------------------------------


def _invitation_record(invitation: Invitation) -> kpis.InvitationRecord:
    answer = getattr(invitation, "response", None)
    return kpis.InvitationRecord(
        routed_on=timezone.localdate(invitation.routed_at),
        deadline=invitation.deadline,
        answered_on=timezone.localdate(answer.first_responded_at) if answer else None,
        decision=answer.decision if answer else None,
        awaited=invitation.request.status == RequestStatus.CIRCULATING,
    )


def scorecard_for(centre, today: datetime.date) -> dict:
    invitations = Invitation.objects.filter(centre=centre).select_related("response", "request")
    records = [_invitation_record(i) for i in invitations]
    setups = list(SiteSetUp.objects.filter(centre=centre).select_related("request").order_by("-request__received_on"))
    setup_records = [
        kpis.SetupRecord(
            days_to_approval=s.days_to_approval,
            approval_target=s.approval_target_days,
            days_to_open=s.days_to_open,
            days_to_first_participant=s.days_to_first_participant,
            days_overall=s.days_overall,
        )
        for s in setups
    ]
    setup_card = kpis.setup_scorecard(setup_records)
    targets = [
        ("Open within 60 days", setup_card["pct_open_within_60"], setup_card["median_days_to_open"], OPEN_TARGET_DAYS),
        (
            "First participant within 30 days",
            setup_card["pct_first_within_30"],
            setup_card["median_days_to_first_participant"],
            FIRST_PARTICIPANT_TARGET_DAYS,
        ),
        (
            "Within 150 days overall",
            setup_card["pct_within_150"],
            setup_card["median_days_overall"],
            OVERALL_TARGET_DAYS,
        ),
    ]
    return {
        "centre": centre,
        "card": kpis.invitation_scorecard(records, today),
        "setup": setup_card,
        "targets": [
            {"label": label, "share": share, "median": med, "target": target, "status": kpis.share_status(share)}
            for label, share, med, target in targets
        ],
        "setups": setup_rows(setups),
    }


@login_required
def scorecard_list(request):
    access.require(access.reads_everything(request.user))
    today = timezone.localdate()
    centres = access.visible_scorecard_centres(request.user).prefetch_related(
        Prefetch("invitations", queryset=Invitation.objects.select_related("response", "request"))
    )
    rows = [
        {"centre": c, "card": kpis.invitation_scorecard([_invitation_record(i) for i in c.invitations.all()], today)}
        for c in centres
    ]
    return render(request, "feasibility/scorecard_list.html", {"rows": rows})


@login_required
def scorecard(request, pk):
    centre = access.get_visible_or_404(access.visible_scorecard_centres(request.user), pk=pk)
    return render(request, "feasibility/scorecard.html", scorecard_for(centre, timezone.localdate()))


@login_required
def my_scorecard(request):
    access.require(access.is_centre_staff(request.user), "This page shows a centre's own scorecard.")
    centres = list(access.own_centres(request.user))
    if len(centres) == 1:
        return redirect("feasibility:scorecard", centres[0].pk)
    return render(request, "feasibility/my_scorecards.html", {"centres": centres})
