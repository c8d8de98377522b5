"""Centre scorecards: response rates and set-up times per centre.

Thin: each view fetches through crm.permissions, parses a form, calls a service, renders.
"""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from capabilities.models import Centre
from crm import permissions as access
from feasibility import kpis, selectors
from feasibility.models import (
    FIRST_PARTICIPANT_TARGET_DAYS,
    OPEN_TARGET_DAYS,
    OVERALL_TARGET_DAYS,
    SiteSetUp,
)
from feasibility.views.outcome import setup_rows

# Scorecards -----------------------------------------------------------------------------------------------


PERIOD_DAYS = 365
CENTRES_PER_PAGE = 50


class PeriodForm(forms.Form):
    """The scorecards' period: invitations routed between two days (the last 12 months unless asked)."""

    start = forms.DateField(label="Routed from", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="to", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end of the period cannot come before its start.")
        return data


def _period(request, today: datetime.date) -> tuple[PeriodForm, datetime.date, datetime.date]:
    form = PeriodForm(request.GET or None)
    start, end = today - datetime.timedelta(days=PERIOD_DAYS), today
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    return form, start, end


def scorecard_for(centre, today: datetime.date, *, start: datetime.date | None = None, end=None) -> dict:
    end = end or today
    card = selectors.invitation_cards(Centre.objects.filter(pk=centre.pk), start=start, end=end, today=today)[centre.pk]
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
        "card": card,
        "setup": setup_card,
        "targets": [
            {"label": label, "share": share, "median": med, "target": target, "status": kpis.share_status(share)}
            for label, share, med, target in targets
        ],
        "setups": setup_rows(setups),
    }


@login_required
def scorecard_list(request):
    """Every centre's answering record over a period, counted by the database: 3 queries whatever the history."""
    access.require(access.reads_everything(request.user))
    today = timezone.localdate()
    form, start, end = _period(request, today)
    centres = access.visible_scorecard_centres(request.user).order_by("name")
    page = Paginator(centres, CENTRES_PER_PAGE).get_page(request.GET.get("page"))
    cards = selectors.invitation_cards(centres.filter(pk__in=[c.pk for c in page]), start=start, end=end, today=today)
    rows = [{"centre": c, "card": cards[c.pk]} for c in page]
    context = {"rows": rows, "page": page, "form": form, "start": start, "end": end}
    return render(request, "feasibility/scorecard_list.html", context)


@login_required
def scorecard(request, pk):
    centre = access.get_visible_or_404(access.visible_scorecard_centres(request.user), pk=pk)
    today = timezone.localdate()
    form, start, end = _period(request, today)
    context = scorecard_for(centre, today, start=start, end=end) | {"form": form, "start": start, "end": end}
    return render(request, "feasibility/scorecard.html", context)


@login_required
def my_scorecard(request):
    access.require(access.is_centre_staff(request.user), "This page shows a centre's own scorecard.")
    centres = list(access.own_centres(request.user))
    if len(centres) == 1:
        return redirect("feasibility:scorecard", centres[0].pk)
    return render(request, "feasibility/my_scorecards.html", {"centres": centres})
