"""The figures of the annual Industry Engagement Report (DESIGN.md section 7), read from the database.

Each function fetches plain rows in a fixed number of queries (however many records there are) and hands
them to crm/kpis.py for the arithmetic. What each figure counts:

- engagements: those that occurred in the period; an organisation is *new* when its first engagement ever
  falls in the period; an event is *attended* when it starts in the period and either staff attended it or
  at least one engagement of the period was held at it (its "meetings held").
- feasibility: requests *received* in the period. Their invitations and answers count whenever they came,
  so a request received on 20 December and answered on 5 January belongs to the year it was received in,
  with its answer. Response days run from routing to the centre's first answer, in whole days (UK dates).
  A centre's response rate is the share of its invitations (for the period's requests) it answered; a centre
  invited but never answering has 0.0.
- haematology / radiopharmaceutical: requests that need that capability: as a required capability, as a
  tumour type, or through a modality rule (radioligand therapy → radiopharmaceutical).
- set-up: each milestone counts in the period it was reached: days to open for sites opened in the period,
  days to first participant and the 150-day share for sites whose first participant came in the period.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db.models import Count, Min, Q
from django.utils import timezone

from capabilities.models import HAEMATOLOGY, POPULATION_CODES, RADIOPHARMACEUTICAL, ModalityRule
from capabilities.models import Modality as ModalityChoice
from crm import kpis
from crm.kpis import Period
from engagements.models import Engagement, EngagementKind, Event, Organisation
from feasibility.models import (
    FIRST_PARTICIPANT_TARGET_DAYS,
    OPEN_TARGET_DAYS,
    OVERALL_TARGET_DAYS,
    Decision,
    FeasibilityRequest,
    Invitation,
    Necessity,
    Requirement,
    SiteSetUp,
)

HISTORY_YEARS = 6


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


# Engagements ----------------------------------------------------------------------------------------


def engagement_figures(period: Period) -> dict:
    """Engagements of the period: 4 queries."""
    in_period = Q(occurred_on__range=(period.start, period.end))
    rows = list(Engagement.objects.filter(in_period).values_list("occurred_on", "kind"))
    kinds = Counter(kind for _, kind in rows)
    engaged = Organisation.objects.filter(engagements__occurred_on__range=(period.start, period.end)).distinct().count()
    new = (
        Organisation.objects.annotate(first_engaged_on=Min("engagements__occurred_on"))
        .filter(first_engaged_on__range=(period.start, period.end))
        .count()
    )
    events = list(
        Event.objects.filter(starts_on__range=(period.start, period.end))
        .annotate(
            meetings=Count(
                "engagements",
                filter=Q(engagements__occurred_on__range=(period.start, period.end)),
                distinct=True,
            ),
            staff=Count("staff_attending", distinct=True),
        )
        .filter(Q(meetings__gt=0) | Q(staff__gt=0))
        .order_by("starts_on", "name")
        .values("id", "name", "kind", "starts_on", "place", "virtual", "meetings", "staff")
    )
    return {
        "total": len(rows),
        "by_kind": {kind: kinds.get(kind, 0) for kind in EngagementKind.values},
        "by_month": kpis.by_month(period, (day for day, _ in rows)),
        "organisations_engaged": engaged,
        "organisations_new": new,
        "events_attended": len(events),
        "events": [
            {
                "id": e["id"],
                "name": e["name"],
                "kind": e["kind"],
                "starts_on": e["starts_on"].isoformat(),
                "place": "Online" if e["virtual"] and not e["place"] else e["place"],
                "meetings": e["meetings"],
                "staff_attending": e["staff"],
            }
            for e in events
        ],
    }


# Feasibility ----------------------------------------------------------------------------------------


def _needs_capability(requests: list[dict], requirements: dict, tumour_types: dict, rules: dict, code: str) -> int:
    return sum(
        1
        for r in requests
        if code in requirements[r["id"]] or code in tumour_types[r["id"]] or code in rules.get(r["modality"], ())
    )


def feasibility_figures(period: Period) -> dict:
    """Requests received in the period, their routing and answers: 5 queries."""
    requests = list(
        FeasibilityRequest.objects.filter(received_on__range=(period.start, period.end)).values(
            "id", "modality", "populations"
        )
    )
    in_period = Q(request__received_on__range=(period.start, period.end))
    invitations = list(
        Invitation.objects.filter(in_period).values(
            "request_id",
            "centre_id",
            "centre__code",
            "centre__name",
            "routed_at",
            "response__decision",
            "response__first_responded_at",
        )
    )
    requirements: dict[int, set[str]] = defaultdict(set)
    for request_id, code in Requirement.objects.filter(in_period, necessity=Necessity.REQUIRED).values_list(
        "request_id", "capability__code"
    ):
        requirements[request_id].add(code)
    tumour_types: dict[int, set[str]] = defaultdict(set)
    for request_id, code in FeasibilityRequest.tumour_types.through.objects.filter(
        feasibilityrequest__received_on__range=(period.start, period.end)
    ).values_list("feasibilityrequest_id", "capability__code"):
        tumour_types[request_id].add(code)
    rules: dict[str, set[str]] = defaultdict(set)
    for modality, code in ModalityRule.objects.values_list("modality", "capability__code"):
        rules[modality].add(code)

    circulated, with_interest = set(), set()
    response_days = []
    centres: dict[str, dict] = {}
    for inv in invitations:
        circulated.add(inv["request_id"])
        centre = centres.setdefault(
            inv["centre__code"],
            {
                "id": inv["centre_id"],
                "code": inv["centre__code"],
                "name": inv["centre__name"],
                "invited": 0,
                "answered": 0,
                "interested": 0,
            },
        )
        centre["invited"] += 1
        if inv["response__decision"]:
            centre["answered"] += 1
            days = kpis.days_between(_local_date(inv["routed_at"]), _local_date(inv["response__first_responded_at"]))
            response_days.append(days)
            centre.setdefault("days", []).append(days)
        if inv["response__decision"] == Decision.INTERESTED:
            with_interest.add(inv["request_id"])
            centre["interested"] += 1
    centre_rows = []
    for centre in sorted(centres.values(), key=lambda c: c["name"]):
        days = centre.pop("days", [])
        centre["response_rate"] = kpis.pct(centre["answered"], centre["invited"])
        centre["median_response_days"] = kpis.median(days)
        centre_rows.append(centre)

    populations = Counter(p for r in requests for p in (r["populations"] or []))
    modalities = Counter(r["modality"] for r in requests)
    return {
        "received": len(requests),
        "circulated": len(circulated),
        "with_interest": len(with_interest),
        "with_interest_pct": kpis.pct(len(with_interest), len(circulated)),
        "median_response_days": kpis.median(response_days),
        "by_population": {code: populations.get(code, 0) for code in POPULATION_CODES},
        "by_modality": {code: modalities.get(code, 0) for code in ModalityChoice.values},
        "haematology": _needs_capability(requests, requirements, tumour_types, rules, HAEMATOLOGY),
        "radiopharmaceutical": _needs_capability(requests, requirements, tumour_types, rules, RADIOPHARMACEUTICAL),
        "response_rate_by_centre": {c["code"]: c["response_rate"] for c in centre_rows},
        "centres": centre_rows,
    }


# Set-up -----------------------------------------------------------------------------------------------


def setup_figures(period: Period) -> dict:
    """Site set-ups with a milestone reached in the period: 1 query."""
    setups = list(
        SiteSetUp.objects.filter(
            Q(opened_on__range=(period.start, period.end)) | Q(first_participant_on__range=(period.start, period.end))
        )
        .select_related("request", "centre")
        .order_by("opened_on", "id")
    )
    opened = [s for s in setups if s.opened_on in period]
    first = [s for s in setups if s.first_participant_on in period]
    opened_ids, first_ids = {s.pk for s in opened}, {s.pk for s in first}
    to_open = [s.days_to_open for s in opened]
    to_first = [s.days_to_first_participant for s in first]
    overall = [s.days_overall for s in first]
    return {
        "sites_opened": len(opened),
        "first_participants": len(first),
        "median_days_to_open": kpis.median(to_open),
        "median_days_to_first_participant": kpis.median(to_first),
        "median_days_overall": kpis.median(overall),
        "pct_open_within_60": kpis.share_within(to_open, OPEN_TARGET_DAYS),
        "pct_first_within_30": kpis.share_within(to_first, FIRST_PARTICIPANT_TARGET_DAYS),
        "pct_within_150": kpis.share_within(overall, OVERALL_TARGET_DAYS),
        "sites": [
            {
                "request": s.request.reference,
                "request_id": s.request_id,
                "centre": s.centre.code,
                "centre_name": s.centre.name,
                "opened_on": s.opened_on.isoformat() if s.opened_on else None,
                "first_participant_on": s.first_participant_on.isoformat() if s.first_participant_on else None,
                "days_to_open": s.days_to_open if s.pk in opened_ids else None,
                "days_to_first_participant": s.days_to_first_participant if s.pk in first_ids else None,
                "days_overall": s.days_overall if s.pk in first_ids else None,
            }
            for s in setups
        ],
    }


# History ----------------------------------------------------------------------------------------------


def feasibility_history(period: Period, years: int = HISTORY_YEARS) -> list[dict]:
    """Requests received and the share with interest, for up to `years` periods ending with this one: 2 queries.

    The history starts with the first period that received a request (years before the network kept records
    are not empty years to chart); a quiet year after that stays, as a 0."""
    periods = [kpis.period_for(period.year - back, financial=period.financial) for back in range(years - 1, -1, -1)]
    first, last = periods[0].start, periods[-1].end
    received = list(
        FeasibilityRequest.objects.filter(received_on__range=(first, last)).values_list("id", "received_on")
    )
    circulated, interested = set(), set()
    for request_id, decision in Invitation.objects.filter(request__received_on__range=(first, last)).values_list(
        "request_id", "response__decision"
    ):
        circulated.add(request_id)
        if decision == Decision.INTERESTED:
            interested.add(request_id)
    history = []
    for p in periods:
        ids = {request_id for request_id, day in received if day in p}
        if not ids and not history and p is not periods[-1]:
            continue
        n_circulated, n_interested = len(ids & circulated), len(ids & interested)
        history.append(
            {
                "year": p.year,
                "label": p.label,
                "received": len(ids),
                "circulated": n_circulated,
                "with_interest": n_interested,
                "with_interest_pct": kpis.pct(n_interested, n_circulated),
            }
        )
    return history


# The report -------------------------------------------------------------------------------------------


def period_figures(period: Period) -> dict:
    return {
        "engagements": engagement_figures(period),
        "feasibility": feasibility_figures(period),
        "setup": setup_figures(period),
    }


def annual_report(year: int, *, financial: bool = False) -> dict:
    """The whole report as JSON-ready data (the keys of DESIGN.md section 7, and a few more)."""
    period = kpis.period_for(year, financial=financial)
    previous = period.previous()
    return {
        "year": year,
        "financial_year": financial,
        "label": period.label,
        "period": period.as_dict(),
        **period_figures(period),
        "previous_year": {"year": previous.year, "label": previous.label, "period": previous.as_dict()}
        | period_figures(previous),
        "history": feasibility_history(period),
    }


# Scorecards -------------------------------------------------------------------------------------------


def centre_scorecards(centres, *, since: datetime.date, today: datetime.date | None = None) -> list[dict]:
    """Each centre's answering record for invitations routed since `since`: 2 queries.

    On time means the first answer came on or before the deadline; invitations still open (unanswered,
    deadline not yet passed) are left out of that share, so a centre is not marked late for a live request.
    """
    today = today or timezone.localdate()
    centres = list(centres) if not isinstance(centres, list) else centres
    rows = defaultdict(list)
    for inv in Invitation.objects.filter(centre__in=[c.pk for c in centres], routed_at__date__gte=since).values(
        "centre_id", "routed_at", "deadline", "response__decision", "response__first_responded_at"
    ):
        rows[inv["centre_id"]].append(inv)
    cards = []
    for centre in centres:
        invitations = rows[centre.pk]
        answered = [i for i in invitations if i["response__decision"]]
        due = [i for i in invitations if i["response__decision"] or i["deadline"] < today]
        on_time = [i for i in answered if _local_date(i["response__first_responded_at"]) <= i["deadline"]]
        interested = [i for i in answered if i["response__decision"] == Decision.INTERESTED]
        cards.append(
            {
                "centre": centre,
                "invitations": len(invitations),
                "answered": len(answered),
                "unanswered": len(invitations) - len(answered),
                "answered_on_time_pct": kpis.pct(len(on_time), len(due)),
                "median_days_to_answer": kpis.median(
                    kpis.days_between(_local_date(i["routed_at"]), _local_date(i["response__first_responded_at"]))
                    for i in answered
                ),
                "interested_pct": kpis.pct(len(interested), len(answered)),
            }
        )
    return cards


# Tables: one definition for the page, the PDF and the CSV downloads --------------------------------------

HEADLINES = [
    # (key in the tables, label, section, figure, unit)
    ("engagements", "Engagements", "engagements", "total", ""),
    ("organisations_engaged", "Organisations engaged", "engagements", "organisations_engaged", ""),
    ("organisations_new", "New organisations", "engagements", "organisations_new", ""),
    ("events_attended", "Events attended", "engagements", "events_attended", ""),
    ("received", "Opportunities received", "feasibility", "received", ""),
    ("circulated", "Circulated to centres", "feasibility", "circulated", ""),
    ("with_interest", "With a centre interested", "feasibility", "with_interest", ""),
    ("with_interest_pct", "Share with interest", "feasibility", "with_interest_pct", "%"),
    ("median_response_days", "Median days to answer", "feasibility", "median_response_days", " days"),
    ("median_days_to_open", "Median days to open a site", "setup", "median_days_to_open", " days"),
    (
        "median_days_to_first_participant",
        "Median days to first participant",
        "setup",
        "median_days_to_first_participant",
        " days",
    ),
    ("pct_open_within_60", "Sites open within 60 days", "setup", "pct_open_within_60", "%"),
    ("pct_first_within_30", "First participant within 30 days", "setup", "pct_first_within_30", "%"),
    ("pct_within_150", "Within 150 days overall", "setup", "pct_within_150", "%"),
]


# Why a headline figure can be "–": said beside it on the page, in the PDF and in the Word document.
EMPTY_NOTES = {
    "with_interest_pct": "no opportunity was circulated to centres",
    "median_response_days": "no centre answered an invitation",
    "median_days_to_open": "no site opened",
    "median_days_to_first_participant": "no site recruited its first participant",
    "pct_open_within_60": "no site's 60-day opening target was decided (met or missed)",
    "pct_first_within_30": "no site's 30-day first-participant target was decided",
    "pct_within_150": "no study's 150-day target was decided",
}


def empty_notes(headlines: list[dict], label: str) -> list[str]:
    """One sentence for each headline figure shown as "–" this period, saying why it is empty."""
    return [
        f"{h['label']}: {EMPTY_NOTES[h['key']]} in {label}."
        for h in headlines
        if h["value"] is None and h["key"] in EMPTY_NOTES
    ]


def headline_figures(report: dict) -> list[dict]:
    rows = []
    for key, label, section, figure, unit in HEADLINES:
        now, before = report[section][figure], report["previous_year"][section][figure]
        change = kpis.change(now, before)
        lower_is_better = unit == " days"
        trend = "" if not change else ("good" if (change < 0) == lower_is_better else "bad")
        rows.append(
            {
                "trend": trend,
                "key": key,
                "label": label,
                "section": section,
                "value": now,
                "previous": before,
                "change": change,
                "unit": unit,
                "empty_note": EMPTY_NOTES.get(key, "") if now is None else "",
            }
        )
    return rows


def report_tables(report: dict) -> dict[str, dict]:
    """Every table of the report: {name: {"title", "headers", "rows"}} (rows of plain values)."""
    from capabilities.models import Modality
    from engagements.models import EventKind

    this, last = report["label"], report["previous_year"]["label"]
    prev = report["previous_year"]
    months = kpis.period_for(report["year"], financial=report.get("financial_year", False)).months
    populations = [
        ("Adult", report["feasibility"]["by_population"]["adult"], prev["feasibility"]["by_population"]["adult"]),
        (
            "Paediatric",
            report["feasibility"]["by_population"]["paediatric"],
            prev["feasibility"]["by_population"]["paediatric"],
        ),
        ("Needing haematology", report["feasibility"]["haematology"], prev["feasibility"]["haematology"]),
        (
            "Needing radiopharmaceuticals",
            report["feasibility"]["radiopharmaceutical"],
            prev["feasibility"]["radiopharmaceutical"],
        ),
    ]
    return {
        "headline": {
            "title": "Headline figures",
            "headers": ["Figure", this, last],
            "rows": [[h["label"], h["value"], h["previous"]] for h in headline_figures(report)],
        },
        "engagements_by_kind": {
            "title": "Engagements by kind",
            "headers": ["Kind", this, last],
            "rows": [
                [EngagementKind(k).label, n, prev["engagements"]["by_kind"].get(k, 0)]
                for k, n in report["engagements"]["by_kind"].items()
            ],
        },
        "engagements_by_month": {
            "title": "Engagements by month",
            "headers": ["Month", this, last],
            "rows": [
                [m.strftime("%B %Y"), n, p]
                for m, n, p in zip(
                    months, report["engagements"]["by_month"], prev["engagements"]["by_month"], strict=True
                )
            ],
        },
        "events": {
            "title": "Events attended",
            "headers": ["Event", "Kind", "Starts", "Place", "Meetings held", "Staff attending"],
            "rows": [
                [
                    e["name"],
                    EventKind(e["kind"]).label,
                    _day(e["starts_on"]),
                    e["place"],
                    e["meetings"],
                    e["staff_attending"],
                ]
                for e in report["engagements"]["events"]
            ],
        },
        "feasibility_by_population": {
            "title": "Opportunities by population and headline capability",
            "headers": ["Population or capability", this, last],
            "rows": [list(p) for p in populations],
        },
        "feasibility_by_modality": {
            "title": "Opportunities by modality",
            "headers": ["Modality", this, last],
            "rows": [
                [Modality(k).label, n, prev["feasibility"]["by_modality"].get(k, 0)]
                for k, n in report["feasibility"]["by_modality"].items()
            ],
        },
        "centres": {
            "title": "Answers by centre",
            "headers": [
                "Centre",
                "Invited",
                "Answered",
                "Response rate %",
                "Median days to answer",
                "Interested",
            ],
            "rows": [
                [
                    c["name"],
                    c["invited"],
                    c["answered"],
                    c["response_rate"],
                    c["median_response_days"],
                    c["interested"],
                ]
                for c in report["feasibility"]["centres"]
            ],
        },
        "setup": {
            "title": "Site set-up",
            "headers": [
                "Request",
                "Centre",
                "Site open",
                "First participant",
                "Days to open",
                "Days to first participant",
                "Days overall",
            ],
            "rows": [
                [
                    s["request"],
                    s["centre_name"],
                    _day(s["opened_on"]),
                    _day(s["first_participant_on"]),
                    s["days_to_open"],
                    s["days_to_first_participant"],
                    s["days_overall"],
                ]
                for s in report["setup"]["sites"]
            ],
        },
        "history": {
            "title": "Opportunities by year",
            "headers": ["Year", "Received", "Circulated", "With interest", "Share with interest %"],
            "rows": [
                [h["label"], h["received"], h["circulated"], h["with_interest"], h["with_interest_pct"]]
                for h in report["history"]
            ],
        },
    }


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def shown(value) -> str:
    """A table cell as the page, the PDF and the Word document write it: dates as the rest of the app writes
    them ("12 Feb 2025"), numbers without a trailing ".0", "–" where there is nothing."""
    if value is None:
        return "–"
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%b %Y}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _day(iso: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(iso) if iso else None


def laid_out(table: dict, links: list[str] | None = None) -> dict:
    """The table with what the page and the PDF draw from: `columns` (title, and whether it holds numbers, set
    right) and `body` rows (the first cell, linked to its records where a link is given, then the others)."""
    links = links or []
    numeric = [all(_is_number(v) for v in column if v is not None) for column in zip(*table["rows"], strict=True)]
    numeric = numeric or [True] * len(table["headers"])
    numeric[0] = False
    return table | {
        "columns": [{"title": title, "numeric": numeric[i]} for i, title in enumerate(table["headers"])],
        "body": [
            {
                "first": row[0],
                "link": links[i] if i < len(links) else "",
                "cells": [
                    {"value": value, "text": shown(value), "numeric": numeric[j]} for j, value in enumerate(row) if j
                ],
            }
            for i, row in enumerate(table["rows"])
        ],
    }


# The chapters of the PDF and the Word document, in order: one definition for both --------------------------

DEFINITIONS = [
    (
        "Engagements",
        "those that took place in the period. An organisation is new when its first engagement ever "
        "falls in the period.",
    ),
    (
        "Events attended",
        "events starting in the period that staff went to or where at least one engagement was "
        "held (its meetings held).",
    ),
    (
        "Opportunities",
        "feasibility requests received in the period; circulated ones were routed to at least one "
        "centre; those with interest had at least one centre answer “interested”. The share with interest is of "
        "those circulated.",
    ),
    (
        "Answers",
        "count for the year the request was received in, even when they came after the year ended. Days "
        "to answer run from routing to a centre's first answer. A centre's response rate is the share of its "
        "invitations it answered; a centre that never answered shows 0%.",
    ),
    (
        "Haematology and radiopharmaceutical opportunities",
        "those needing that capability: as a required capability, a tumour type, or through a modality rule.",
    ),
    (
        "Set-up",
        "days to open run from approval or site selection (the later) to opening; days to first "
        "participant from opening; overall from regulatory submission to first participant.",
    ),
    (
        "“–”",
        "shown where there is nothing to count or divide by (no records of that kind in the period); "
        "percentages have one decimal.",
    ),
]


def _n(value, unit: str = "") -> str:
    return "–" if value is None else f"{value:g}{unit}" if isinstance(value, float) else f"{value}{unit}"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def chapters(report: dict) -> list[dict]:
    """The report's chapters after the summary: {id, title, paragraphs, charts, tables} (chart and table names),
    drawn alike by the PDF and the Word document."""
    eng, prev = report["engagements"], report["previous_year"]
    feas, setup = report["feasibility"], report["setup"]
    last = prev["label"]
    return [
        {
            "id": "engagements",
            "title": "Industry engagements",
            "paragraphs": [
                f"{_plural(eng['total'], 'engagement')} with {_plural(eng['organisations_engaged'], 'organisation')}, "
                f"{eng['organisations_new']} of them new to the network ({last}: {prev['engagements']['total']} with "
                f"{prev['engagements']['organisations_engaged']})."
            ],
            "charts": ["engagements_by_month", "engagements_by_kind", "organisations"],
            "tables": ["engagements_by_kind", "engagements_by_month"],
        },
        {
            "id": "events",
            "title": "Events",
            "paragraphs": [
                f"{_plural(eng['events_attended'], 'event')} attended ({last}: {prev['engagements']['events_attended']})."
            ],
            "charts": ["events"],
            "tables": ["events"],
        },
        {
            "id": "feasibility",
            "title": "Trial opportunities",
            "paragraphs": [
                f"{_plural(feas['received'], 'opportunity', 'opportunities')} received; {feas['circulated']} circulated "
                f"to centres; {feas['with_interest']} with at least one centre interested "
                f"({_n(feas['with_interest_pct'], '%')} of those circulated; {last}: "
                f"{_n(prev['feasibility']['with_interest_pct'], '%')}). Median days from routing to a centre's answer: "
                f"{_n(feas['median_response_days'])}."
            ],
            "charts": ["opportunities_history", "populations_and_modalities"],
            "tables": ["history", "feasibility_by_population", "feasibility_by_modality"],
        },
        {
            "id": "centres",
            "title": "Answers by centre",
            "paragraphs": [
                f"Of the invitations for opportunities received in {report['label']}, the share each centre answered "
                "(whenever it answered) and its median days from routing to answer."
            ],
            "charts": ["centre_responses"],
            "tables": ["centres"],
        },
        {
            "id": "setup",
            "title": "Site set-up",
            "paragraphs": [
                f"{_plural(setup['sites_opened'], 'site')} opened and "
                f"{_plural(setup['first_participants'], 'first participant')} recruited. Median days to open: "
                f"{_n(setup['median_days_to_open'])}; to first participant: "
                f"{_n(setup['median_days_to_first_participant'])}."
            ],
            "charts": ["setup_targets"],
            "tables": ["setup"],
        },
    ]


def narrative_dict(year: int, *, financial: bool = False) -> dict | None:
    """The Programme Office's words for the year, for the JSON (None until written): 1 query."""
    from crm.models import ReportNarrative

    narrative = ReportNarrative.objects.filter(year=year, financial_year=financial).first()
    if narrative is None:
        return None
    return {
        "summary": narrative.summary,
        "highlights": narrative.highlights,
        "plans": narrative.plans,
        "published_at": narrative.published_at.isoformat() if narrative.published_at else None,
        "published_sha256": narrative.published_sha256 or None,
    }


# The year so far, for the dashboards ------------------------------------------------------------------


def year_so_far(today: datetime.date | None = None) -> dict:
    """This calendar year up to today beside the same stretch of last year, shaped like the annual report
    (so the same headline figures and charts apply): 22 queries."""
    today = today or timezone.localdate()
    period = kpis.period_containing(today)
    so_far = Period(year=period.year, financial=False, start=period.start, end=today)
    try:
        same_day_last_year = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        same_day_last_year = today.replace(year=today.year - 1, day=28)
    before = Period(year=period.year - 1, financial=False, start=period.previous().start, end=same_day_last_year)
    return {
        "year": period.year,
        "financial_year": False,
        "label": f"{period.year} so far",
        "months_elapsed": kpis.month_index(period, today) + 1,
        "period": so_far.as_dict(),
        **period_figures(so_far),
        "previous_year": {"year": before.year, "label": f"{before.year} to {same_day_last_year:%d %b}"}
        | {"period": before.as_dict()}
        | period_figures(before),
        "history": feasibility_history(period),
    }
