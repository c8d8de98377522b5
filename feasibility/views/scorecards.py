"""Centre scorecards: response rates and set-up times per centre.

Thin: each view fetches through crm.permissions, parses a form, calls a service, renders.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone

from crm import permissions as access
from feasibility import kpis
from feasibility.models import (
    FIRST_PARTICIPANT_TARGET_DAYS,
    OPEN_TARGET_DAYS,
    OVERALL_TARGET_DAYS,
    Invitation,
    RequestStatus,
    SiteSetUp,
)
from feasibility.views.outcome import setup_rows

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
