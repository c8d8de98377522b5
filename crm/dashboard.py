"""What each role sees first: the home dashboard's context."""

import datetime
import hashlib
import json

from django.core.cache import cache
from django.utils import timezone

from crm import permissions as access
from crm import reports

DASHBOARD_HEADLINES = [
    "engagements",
    "organisations_engaged",
    "organisations_new",
    "events_attended",
    "received",
    "with_interest_pct",
    "median_response_days",
    "pct_within_150",
]
DASHBOARD_CHARTS = ["engagements_by_month", "opportunities_history"]
CHART_CACHE_SECONDS = 60 * 60
SCORECARD_DAYS = 365


def _charts(figures: dict) -> dict:
    """The dashboard's charts, drawn once per set of figures (drawing takes a moment; figures rarely change)."""
    from crm import charts

    key = "dashboard-charts:" + hashlib.sha256(json.dumps(figures, sort_keys=True, default=str).encode()).hexdigest()
    drawn = cache.get(key)
    if drawn is None:
        drawn = {
            name: {"title": chart["title"], "src": chart["src"]}
            for name, chart in charts.all_charts(figures, DASHBOARD_CHARTS).items()
        }
        cache.set(key, drawn, CHART_CACHE_SECONDS)
    return drawn


def year_so_far_context(today: datetime.date) -> dict:
    figures = reports.year_so_far(today)
    headlines = {h["key"]: h for h in reports.headline_figures(figures)}
    return {
        "so_far": figures,
        "so_far_headlines": [headlines[key] for key in DASHBOARD_HEADLINES],
        "so_far_charts": _charts(figures),
    }


def _links(year: int) -> dict:
    from django.urls import reverse

    from crm.report_views import trace_url

    return {
        "report": reverse("crm:annual-report", args=[year]),
        "follow_ups": trace_url("engagements:followup-list"),
        "outstanding": trace_url("feasibility:outstanding"),
        "to_answer": trace_url("feasibility:to-answer"),
        "my_scorecard": trace_url("feasibility:my-scorecard"),
    }


def dashboard_context(user) -> dict:
    today = timezone.localdate()
    context: dict = {"today": today, "role": user.role, "links": _links(today.year)}
    if access.can_read_reports(user):
        context.update(year_so_far_context(today))
    if access.is_programme_office(user):
        # Overdue first: the earliest due dates are the ones already missed.
        follow_ups = list(
            access.visible_follow_ups(user)
            .open()
            .filter(owner=user)
            .select_related("engagement", "organisation")
            .order_by("due_on", "id")[:10]
        )
        context["my_follow_ups"] = follow_ups
        context["overdue_follow_ups"] = sum(1 for f in follow_ups if f.due_on < today)
        context["outstanding"] = (
            access.visible_invitations(user)
            .unanswered()
            .filter(request__status="circulating")
            .select_related("request", "centre")
            .order_by("deadline")[:10]
        )
    if access.is_centre_staff(user):
        context["own_centres"] = list(access.own_centres(user))
        context["scorecards"] = reports.centre_scorecards(
            context["own_centres"], since=today - datetime.timedelta(days=SCORECARD_DAYS), today=today
        )
        context["to_answer"] = (
            access.visible_invitations(user)
            .unanswered()
            .exclude(request__status__in=["placed", "not_placed", "withdrawn"])
            .select_related("request", "centre")
            .order_by("deadline")[:20]
        )
    return context
