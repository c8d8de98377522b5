"""Centres' answers: the answer form, requests to answer, outstanding answers, reopen, deadlines.

Thin: each view fetches through crm.permissions, parses a form, calls a service, renders.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from crm import concurrency
from crm import permissions as access
from crm.forms_util import add_service_errors, page_of, redirect_back
from feasibility import services
from feasibility.forms import (
    DeadlineForm,
)
from feasibility.models import (
    CLOSED_STATUSES,
    CentreResponse,
    FeasibilityRequest,
    Invitation,
)
from feasibility.views._common import (
    _answer_form_for,
    _get_invitation_for_user,
)

OUTSTANDING_PER_PAGE = 50  # per section (overdue, waiting)
PAST_PER_PAGE = 25  # a centre's answers past the deadline, on requests still open with the sponsor

# Answers ------------------------------------------------------------------------------------------------


def _answer_of(invitation):
    """The centre's answer so far (what a second person answering at once must not overwrite unseen), or None."""
    return CentreResponse.objects.filter(invitation=invitation).first()


@login_required
def answer(request, pk):
    invitation = _get_invitation_for_user(request.user, pk)
    refusal = access.answer_refusal(request.user, invitation)
    if request.method == "POST":
        access.require(access.answers_for_centre(request.user, invitation), access.ANSWERS_FOR_CENTRE_ONLY)
        form = concurrency.carry_version(_answer_form_for(invitation, request.POST), _answer_of(invitation))
        if form.is_valid():
            try:
                with concurrency.guard_edit(_answer_of(invitation), concurrency.take_version(form)):
                    services.submit_response(actor=request.user, invitation=invitation, **form.cleaned_data)
            except concurrency.StaleEdit as exc:
                concurrency.show_stale(form, exc)
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
        form = concurrency.carry_version(_answer_form_for(invitation), _answer_of(invitation))
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
    """Centre staff: the requests routed to their centres, soonest deadline first; those past the deadline
    (still open with the sponsor) follow, the latest first, a page at a time: years of them pile up."""
    access.require(access.is_centre_staff(request.user), "This page lists a centre's own requests to answer.")
    invitations = (
        access.visible_invitations(request.user)
        .exclude(request__status__in=CLOSED_STATUSES)
        .select_related("request", "centre", "response")
    )
    today = timezone.localdate()
    past = page_of(
        request,
        invitations.filter(deadline__lt=today).order_by("-deadline", "request__reference", "pk"),
        per_page=PAST_PER_PAGE,
        param="past",
    )
    return render(
        request,
        "feasibility/to_answer.html",
        {
            "open": list(invitations.filter(deadline__gte=today).order_by("deadline", "request__reference", "pk")),
            "past": past,
            "several_centres": len(access.own_centre_ids(request.user)) > 1,
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
        .order_by("deadline", "centre__name", "pk")
    )
    overdue = page_of(request, invitations.filter(deadline__lt=today), per_page=OUTSTANDING_PER_PAGE, param="overdue")
    waiting = page_of(request, invitations.filter(deadline__gte=today), per_page=OUTSTANDING_PER_PAGE, param="waiting")
    return render(
        request,
        "feasibility/outstanding.html",
        {
            "overdue": _by_request(overdue),
            "waiting": _by_request(waiting),
            "overdue_page": overdue,
            "waiting_page": waiting,
            "overdue_count": overdue.paginator.count,
            "waiting_count": waiting.paginator.count,
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
