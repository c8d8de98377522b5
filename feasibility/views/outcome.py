"""Outcome of a request and its sites' set-up.

Thin: each view fetches through crm.permissions, parses a form, calls a service, renders.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, OuterRef, Subquery, When
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crm import concurrency
from crm import permissions as access
from crm.forms_util import add_service_errors
from feasibility import kpis, services
from feasibility.forms import (
    OutcomeForm,
    RegulatoryForm,
    SetupForm,
)
from feasibility.models import (
    FIRST_PARTICIPANT_TARGET_DAYS,
    OPEN_TARGET_DAYS,
    OVERALL_TARGET_DAYS,
    CentreResponse,
    Decision,
)
from feasibility.views._common import (
    _get_request_for_user,
)

# Outcome and set-up -----------------------------------------------------------------------------------------


def setup_rows(setups):
    """Each set-up with its stages measured against the UK targets."""
    rows = []
    for setup in setups:
        stages = [
            ("Approval", setup.days_to_approval, setup.approval_target_days, setup.request.regulatory_approved_on),
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


def _outcome_page(request, feasibility_request, *, form=None, setup_form=None, regulatory_form=None):
    """The outcome and set-up page; a form refused by its service comes back bound, its errors by the fields."""
    can_write = access.can_write_requests(request.user)
    rows = setup_rows(feasibility_request.setups.select_related("centre", "request"))
    for row in rows:
        s = row["setup"]
        if setup_form is not None and setup_form.prefix == f"setup{s.pk}":
            row["form"], row["open"] = setup_form, True
        elif can_write:
            form_of_row = SetupForm(initial={n: getattr(s, n) for n in SetupForm.base_fields}, prefix=f"setup{s.pk}")
            row["form"] = concurrency.carry_version(form_of_row, s)
    if regulatory_form is None and can_write and feasibility_request.status not in ("not_placed", "withdrawn"):
        regulatory_form = RegulatoryForm(
            initial={n: getattr(feasibility_request, n) for n in RegulatoryForm.base_fields}
        )
        concurrency.carry_version(regulatory_form, feasibility_request)
    context = {
        "object": feasibility_request,
        "form": form,
        "rows": rows,
        "can_write": can_write,
        "regulatory_form": regulatory_form,
    }
    return render(request, "feasibility/outcome.html", context)


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
    return _outcome_page(request, feasibility_request, form=form)


@login_required
@require_POST
def setup_edit(request, pk):
    setup = access.get_visible_or_404(access.visible_setups(request.user).select_related("request"), pk=pk)
    access.require(access.can_write_requests(request.user), "Only the Programme Office records set-up dates.")
    form = concurrency.carry_version(SetupForm(request.POST, prefix=f"setup{setup.pk}"), setup)
    if form.is_valid():
        try:
            with concurrency.guard_edit(setup, concurrency.take_version(form)):
                services.setup_update(actor=request.user, setup=setup, **form.cleaned_data)
        except concurrency.StaleEdit as exc:
            concurrency.show_stale(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Set-up of {setup.centre} saved.")
            return redirect("feasibility:outcome", setup.request_id)
    messages.error(request, f"The set-up of {setup.centre} was not saved: see the fields marked below.")
    return _outcome_page(request, setup.request, setup_form=form)


@login_required
@require_POST
def regulatory_edit(request, pk):
    feasibility_request = _get_request_for_user(request.user, pk)
    access.require(access.can_write_requests(request.user), "Only the Programme Office records regulatory dates.")
    form = concurrency.carry_version(RegulatoryForm(request.POST), feasibility_request)
    if form.is_valid():
        try:
            with concurrency.guard_edit(feasibility_request, concurrency.take_version(form)):
                services.request_regulatory_update(actor=request.user, request=feasibility_request, **form.cleaned_data)
        except concurrency.StaleEdit as exc:
            concurrency.show_stale(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Regulatory dates saved.")
            return redirect("feasibility:outcome", feasibility_request.pk)
    feasibility_request.refresh_from_db()
    return _outcome_page(request, feasibility_request, regulatory_form=form)
