"""What each role sees first: the home dashboard's context."""

import datetime

from django.db.models import Count, Min, Q, Window
from django.urls import reverse
from django.utils import timezone

from capabilities import selectors
from crm import permissions as access
from crm import reports
from crm.report_views import headline_trace_links, linked_headlines, trace_url
from feasibility import kpis
from feasibility.models import CLOSED_STATUSES, Funding, RequestStatus
from feasibility.workdays import add_working_days

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
SCORECARD_DAYS = 365
FOLLOW_UPS_SHOWN = 10
OUTSTANDING_SHOWN = 10
TO_ANSWER_SHOWN = 20
SETUP_WARNING_WORKING_DAYS = 10


def _charts(figures: dict) -> dict:
    """The dashboard's charts (drawn once per set of figures, in crm.charts)."""
    from crm import charts

    return {
        name: {"title": chart["title"], "src": chart["src"]}
        for name, chart in charts.all_charts(figures, DASHBOARD_CHARTS).items()
    }


def year_so_far_context(today: datetime.date) -> dict:
    """The year so far with its headline links and charts, kept together under the records' version (as the
    figures are): one cache read on a load between writes."""
    return reports.cached_figures("dashboard", today, lambda: _year_so_far_context(today))


def _year_so_far_context(today: datetime.date) -> dict:
    figures = reports.year_so_far(today)
    headlines = {h["key"]: h for h in linked_headlines(figures, headline_trace_links(figures))}
    return {
        "so_far": figures,
        "so_far_headlines": [headlines[key] for key in DASHBOARD_HEADLINES],
        "so_far_charts": _charts(figures),
    }


def _links(year: int) -> dict:
    return {
        "report": reverse("crm:annual-report", args=[year]),
        "follow_ups": trace_url("engagements:followup-list"),
        "outstanding": trace_url("feasibility:outstanding"),
        "to_answer": trace_url("feasibility:to-answer"),
        "my_scorecard": trace_url("feasibility:my-scorecard"),
    }


def _first_with_counts(rows, today: datetime.date, due: str, n: int) -> tuple[list, int, int]:
    """The first `n` rows, with how many rows there are and how many are past their `due` date, counted by the
    database over all of them (window counts) in the same query."""
    shown = list(
        rows.annotate(
            total_rows=Window(Count("id")),
            overdue_rows=Window(Count("id", filter=Q(**{f"{due}__lt": today}))),
        )[:n]
    )
    return shown, (shown[0].total_rows if shown else 0), (shown[0].overdue_rows if shown else 0)


def _my_follow_ups(user, today: datetime.date) -> dict:
    """The user's open follow-ups, overdue first (the earliest due dates are the ones missed): 1 query."""
    follow_ups = access.visible_follow_ups(user).open().filter(owner=user)
    shown, total, overdue = _first_with_counts(
        follow_ups.select_related("engagement", "organisation").order_by("due_on", "id"),
        today,
        "due_on",
        FOLLOW_UPS_SHOWN,
    )
    return {"my_follow_ups": shown, "my_follow_ups_total": total, "overdue_follow_ups": overdue}


def _outstanding_answers(user, today: datetime.date) -> dict:
    """Unanswered invitations of requests still circulating, soonest deadline (so the overdue) first: 1 query."""
    invitations = access.visible_invitations(user).outstanding()
    shown, total, overdue = _first_with_counts(
        invitations.select_related("request", "centre").order_by("deadline", "request__reference", "centre__name"),
        today,
        "deadline",
        OUTSTANDING_SHOWN,
    )
    return {"outstanding": shown, "outstanding_total": total, "outstanding_overdue": overdue}


def _to_answer(user, today: datetime.date) -> dict:
    """A centre's unanswered invitations it may still answer, soonest deadline first; the rest only counted
    (past the deadline only the Programme Office can reopen them): 2 queries."""
    invitations = access.visible_invitations(user).unanswered().exclude(request__status__in=CLOSED_STATUSES)
    return {
        "to_answer": list(
            invitations.filter(deadline__gte=today)
            .select_related("request", "centre")
            .order_by("deadline", "request__reference", "centre__name")[:TO_ANSWER_SHOWN]
        ),
        "past_deadline": invitations.filter(deadline__lt=today).count(),
    }


def _flagged(awaited: kpis.Awaited | None, today: datetime.date, warn_until: datetime.date, **row) -> dict | None:
    if awaited is None:
        return None
    flag = kpis.risk(awaited.deadline, today, warn_until)
    if flag is None:
        return None
    return {
        **row,
        "milestone": awaited.milestone,
        "deadline": awaited.deadline,
        "flag": flag,
        "days": abs((awaited.deadline - today).days),
    }


def _setups_awaited(user, today: datetime.date) -> dict:
    """Commercial sites and studies at risk (the awaited milestone's deadline within 10 UK working days) or
    overdue, soonest deadline (so the most overdue) first. Only the open set-ups are read, as values: 2 queries.
    Centre staff see their own centres' sites; studies are for those who read the whole network."""
    warn_by_nation: dict[str, datetime.date] = {}

    def warn_until(nation: str) -> datetime.date:
        if nation not in warn_by_nation:
            warn_by_nation[nation] = add_working_days(today, SETUP_WARNING_WORKING_DAYS, nation)
        return warn_by_nation[nation]

    open_sites = (
        access.visible_setups(user)
        .filter(request__funding=Funding.COMMERCIAL, request__status=RequestStatus.PLACED)
        .filter(first_participant_on__isnull=True)
        .values(
            "pk",
            "request_id",
            "request__reference",
            "request__title",
            "request__regulatory_approved_on",
            "centre__name",
            "centre__nation",
            "selected_on",
            "opened_on",
        )
    )
    sites = []
    for s in open_sites:
        awaited = kpis.awaited_by_site(
            approved=s["request__regulatory_approved_on"],
            selected=s["selected_on"],
            opened=s["opened_on"],
            first_participant=None,
        )
        row = _flagged(
            awaited,
            today,
            warn_until(s["centre__nation"]),
            request_id=s["request_id"],
            reference=s["request__reference"],
            title=s["request__title"],
            centre=s["centre__name"],
        )
        if row:
            sites.append(row)
    studies = []
    if access.reads_everything(user):
        open_studies = (
            access.visible_requests(user)
            .commercial()
            .filter(status=RequestStatus.PLACED, regulatory_submitted_on__isnull=False)
            .annotate(first_anywhere=Min("setups__first_participant_on"))
            .filter(first_anywhere__isnull=True)
            .values("pk", "reference", "title", "regulatory_submitted_on", "regulatory_approved_on", "advanced_therapy")
        )
        for r in open_studies:
            awaited = kpis.awaited_by_study(
                submitted=r["regulatory_submitted_on"],
                approved=r["regulatory_approved_on"],
                advanced_therapy=r["advanced_therapy"],
                first_participant_anywhere=None,
            )
            row = _flagged(
                awaited, today, warn_until("england"), request_id=r["pk"], reference=r["reference"], title=r["title"]
            )
            if row:
                studies.append(row)
    sites.sort(key=_by_deadline)
    studies.sort(key=_by_deadline)
    return {
        "sites_awaited": sites,
        "studies_awaited": studies,
        "awaited_groups": [
            {"title": "Studies", "rows": studies, "testid": "studies-awaited", "sites": False},
            {"title": "Sites", "rows": sites, "testid": "sites-awaited", "sites": True},
        ],
        "can_open_requests": access.reads_everything(user),
    }


def _by_deadline(row: dict) -> tuple:
    return row["deadline"], row["reference"], row.get("centre", "")


def dashboard_context(user) -> dict:
    today = timezone.localdate()
    context: dict = {"today": today, "role": user.role, "links": _links(today.year)}
    if access.can_read_reports(user):
        context.update(year_so_far_context(today))
    if access.is_programme_office(user):
        context.update(_my_follow_ups(user, today))
        context.update(_outstanding_answers(user, today))
        context["profiles_to_check"] = selectors.stale_and_expiring(today)
    if access.reads_everything(user) or access.is_centre_staff(user):
        context.update(_setups_awaited(user, today))
    if access.is_centre_staff(user):
        context["own_centres"] = list(access.own_centres(user))
        context["scorecards"] = reports.centre_scorecards(
            context["own_centres"], since=today - datetime.timedelta(days=SCORECARD_DAYS), today=today
        )
        context.update(_to_answer(user, today))
    return context
