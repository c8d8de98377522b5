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

from django.db.models import Case, Count, Exists, F, Min, OuterRef, Q, StringAgg, Sum, Value, When
from django.utils import timezone

from capabilities.models import (
    ADULT,
    HAEMATOLOGY,
    PAEDIATRIC,
    POPULATION_CODES,
    RADIOPHARMACEUTICAL,
    Capability,
    Centre,
    ModalityRule,
)
from capabilities.models import Modality as ModalityChoice
from crm import freshness, kpis
from crm.kpis import Period
from engagements.models import (
    INDUSTRY_KINDS,
    Engagement,
    EngagementKind,
    Event,
    EventKind,
    EventScope,
    Initiative,
    InitiativeKind,
    InitiativeStatus,
    Organisation,
    OrganisationKind,
    Participation,
    Sector,
    sector_of,
)
from feasibility import kpis as targets
from feasibility.models import (
    CLOSED_STATUSES,
    FIRST_PARTICIPANT_TARGET_DAYS,
    OVERALL_TARGET_DAYS,
    CentreResponse,
    Community,
    Decision,
    FeasibilityRequest,
    Funding,
    Invitation,
    Necessity,
    RequestStatus,
    Requirement,
    SiteSetUp,
)

HISTORY_YEARS = 6
# Every model a figure reads. Each keeps history, and every write to it leaves a history row (saves, deletes,
# many-to-many changes, the bulk helpers, and crm/deletions.py for what the database empties on a delete).
FIGURE_MODELS = (
    Engagement,
    Organisation,
    Event,
    Initiative,
    FeasibilityRequest,
    Requirement,
    Invitation,
    CentreResponse,
    SiteSetUp,
    Centre,
    Capability,
    ModalityRule,
)
FIGURES_CACHE_SECONDS = 24 * 60 * 60


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


# Engagements ----------------------------------------------------------------------------------------


def engagement_figures(period: Period) -> dict:
    """Engagements of the period, the organisations met (industry and partners apart), events and
    initiatives: 6 queries."""
    between = (period.start, period.end)
    rows = list(Engagement.objects.filter(occurred_on__range=between).values_list("occurred_on", "kind"))
    kinds = Counter(kind for _, kind in rows)
    # Counted by id: two companies of the same name are two organisations.
    engaged = Counter()
    for kind, n in (
        Organisation.objects.filter(engagements__occurred_on__range=between)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk", distinct=True))
        .values_list("kind", "n")
    ):
        engaged[sector_of(kind)] += n
    new = (
        Organisation.objects.industry()
        .annotate(first_engaged_on=Min("engagements__occurred_on"))
        .filter(first_engaged_on__range=between)
        .count()
    )
    events = list(
        Event.objects.filter(starts_on__range=between)
        .annotate(
            meetings=Count("engagements", filter=Q(engagements__occurred_on__range=between), distinct=True),
            staff=Count("staff_attending", distinct=True),
        )
        # Attended (exhibited, presented) with evidence that someone went: staff or a meeting held there;
        # hosted ones count because the network ran them.
        .filter(Q(participation=Participation.HOSTED) | Q(meetings__gt=0) | Q(staff__gt=0))
        .order_by("starts_on", "name")
        .values(
            "id",
            "name",
            "kind",
            "starts_on",
            "place",
            "virtual",
            "meetings",
            "staff",
            "scope",
            "participation",
            "attendees",
        )
    )
    attended = [e for e in events if e["participation"] != Participation.HOSTED]
    education = [e for e in events if e["kind"] == EventKind.EDUCATION]
    initiatives = list(
        Initiative.objects.active_between(*between)
        .annotate(
            partners=Count("organisations", filter=~Q(organisations__kind__in=INDUSTRY_KINDS), distinct=True),
            companies=Count("organisations", filter=Q(organisations__kind__in=INDUSTRY_KINDS), distinct=True),
        )
        .order_by("kind", "started_on", "title")
        .values("id", "title", "kind", "status", "started_on", "ended_on", "partners", "companies")
    )
    initiative_kinds = Counter(i["kind"] for i in initiatives)
    return {
        "total": len(rows),
        "by_kind": {kind: kinds.get(kind, 0) for kind in EngagementKind.values},
        "by_month": kpis.by_month(period, (day for day, _ in rows)),
        "organisations_engaged": engaged.get(Sector.INDUSTRY, 0),
        "organisations_new": new,
        "partners_engaged": engaged.get(Sector.PARTNER, 0),
        "events_attended": len(attended),
        "events_hosted": len(events) - len(attended),
        "events_international": sum(1 for e in events if e["scope"] == EventScope.INTERNATIONAL),
        "initiatives": {kind: initiative_kinds.get(kind, 0) for kind in InitiativeKind.values},
        "education_events": len(education),
        "education_attendees": sum(e["attendees"] or 0 for e in education),
        "events": [
            {
                "id": e["id"],
                "name": e["name"],
                "kind": e["kind"],
                "starts_on": e["starts_on"].isoformat(),
                "place": "Online" if e["virtual"] and not e["place"] else e["place"],
                "scope": e["scope"],
                "participation": e["participation"],
                "attendees": e["attendees"],
                "meetings": e["meetings"],
                "staff_attending": e["staff"],
            }
            for e in events
        ],
        "initiative_list": [
            i
            | {
                "started_on": i["started_on"].isoformat() if i["started_on"] else None,
                "ended_on": i["ended_on"].isoformat() if i["ended_on"] else None,
            }
            for i in initiatives
        ],
    }


def regulatory_figures(period: Period) -> dict:
    """Regulatory engagement: roundtables, and meetings with regulators (MHRA, HRA and the like): 1 query."""
    between = (period.start, period.end)
    with_regulator = Q(organisations__kind=OrganisationKind.REGULATOR)
    rows = list(
        Engagement.objects.filter(Q(kind=EngagementKind.ROUNDTABLE) | with_regulator, occurred_on__range=between)
        .annotate(
            # Named in one string per engagement (ordered here: SQLite before 3.44 cannot order inside).
            regulators=StringAgg("organisations__name", Value("|"), filter=with_regulator)
        )
        .order_by("occurred_on", "id")
        .values("id", "occurred_on", "kind", "event_id", "event__name", "regulators")
    )
    return {
        "engagements": len(rows),
        # A roundtable is one meeting however many companies' engagements are logged at it: counted by its event.
        "roundtables": len(
            {
                ("event", r["event_id"]) if r["event_id"] else ("engagement", r["id"])
                for r in rows
                if r["kind"] == EngagementKind.ROUNDTABLE
            }
        ),
        "with_regulators": sum(1 for r in rows if r["regulators"]),
        "items": [
            {
                "id": r["id"],
                "occurred_on": r["occurred_on"].isoformat(),
                "kind": r["kind"],
                "event": r["event__name"] or "",
                "regulators": ", ".join(sorted((r["regulators"] or "").split("|"))).strip(", "),
            }
            for r in rows
        ],
    }


def partnership_figures(period: Period) -> dict:
    """Partner organisations (not industry) engaged or in an initiative active in the period: 1 query."""
    between = (period.start, period.end)
    engaged = Q(engagements__occurred_on__range=between)
    active = Q(initiatives__in=Initiative.objects.active_between(*between))
    rows = list(
        Organisation.objects.partners()
        .annotate(
            engagements_held=Count("engagements", filter=engaged, distinct=True),
            joint_initiatives=Count("initiatives", filter=active, distinct=True),
        )
        .filter(Q(engagements_held__gt=0) | Q(joint_initiatives__gt=0))
        .order_by("name")
        .values("id", "name", "kind", "engagements_held", "joint_initiatives")
    )
    return {"organisations": len(rows), "items": rows}


# Feasibility ----------------------------------------------------------------------------------------


def feasibility_figures(period: Period) -> dict:
    """Requests received in the period, their routing and answers, and those closed in it: 3 queries."""
    request = OuterRef("pk")
    required = Requirement.objects.filter(request=request, necessity=Necessity.REQUIRED)
    tumour_types = FeasibilityRequest.tumour_types.through.objects.filter(feasibilityrequest=request)
    requests = list(
        FeasibilityRequest.objects.filter(received_on__range=(period.start, period.end))
        .annotate(
            # A request's communities (DESIGN.md section 3): haematology when a tumour type is haematological or
            # the haematology capability is required. Radiopharmaceutical ones need that capability: required,
            # as a tumour type, or through a modality rule (radioligand therapy → radiopharmaceutical).
            haematological_tumour=Exists(tumour_types.filter(capability__haematological=True)),
            haematology_required=Exists(required.filter(capability__code=HAEMATOLOGY)),
            radiopharmaceutical_required=Exists(required.filter(capability__code=RADIOPHARMACEUTICAL)),
            radiopharmaceutical_tumour=Exists(tumour_types.filter(capability__code=RADIOPHARMACEUTICAL)),
            radiopharmaceutical_modality=Exists(
                ModalityRule.objects.filter(modality=OuterRef("modality"), capability__code=RADIOPHARMACEUTICAL)
            ),
        )
        .values(
            "id",
            "modality",
            "populations",
            "funding",
            "haematological_tumour",
            "haematology_required",
            "radiopharmaceutical_required",
            "radiopharmaceutical_tumour",
            "radiopharmaceutical_modality",
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
    # Adult and paediatric from the populations; haematology as annotated above.
    haematology = sum(1 for r in requests if r["haematological_tumour"] or r["haematology_required"])
    radiopharmaceutical = sum(
        1
        for r in requests
        if r["radiopharmaceutical_required"] or r["radiopharmaceutical_tumour"] or r["radiopharmaceutical_modality"]
    )
    fundings = Counter(r["funding"] for r in requests)
    outcomes = dict(
        FeasibilityRequest.objects.filter(closed_on__range=(period.start, period.end), status__in=CLOSED_STATUSES)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "received": len(requests),
        "circulated": len(circulated),
        "with_interest": len(with_interest),
        "with_interest_pct": kpis.pct(len(with_interest), len(circulated)),
        "median_response_days": kpis.median(response_days),
        "by_population": {code: populations.get(code, 0) for code in POPULATION_CODES},
        "by_modality": {code: modalities.get(code, 0) for code in ModalityChoice.values},
        "by_community": {
            Community.ADULT: populations.get(ADULT, 0),
            Community.PAEDIATRIC: populations.get(PAEDIATRIC, 0),
            Community.HAEMATOLOGY: haematology,
        },
        "by_funding": {funding: fundings.get(funding, 0) for funding in Funding.values},
        "placed": outcomes.get(RequestStatus.PLACED, 0),
        "not_placed": outcomes.get(RequestStatus.NOT_PLACED, 0),
        "withdrawn": outcomes.get(RequestStatus.WITHDRAWN, 0),
        "haematology": haematology,
        "radiopharmaceutical": radiopharmaceutical,
        "response_rate_by_centre": {c["code"]: c["response_rate"] for c in centre_rows},
        "centres": centre_rows,
    }


# Set-up -----------------------------------------------------------------------------------------------


def _setup_keys(period: Period, studies: list[dict], sites: list[dict], participants: int) -> dict:
    """The set-up figures of one group of studies (and their sites), every target judged once (feasibility/kpis.py)."""
    start, end = period.start, period.end
    approval = [s["approval"] for s in studies]
    overall = [s["overall"] for s in studies]
    opening = [s["open"] for s in sites]
    first = [s["first"] for s in sites]
    n_approval, pct_approval = targets.target_share(approval, start, end)
    n_open, pct_open = targets.target_share(opening, start, end)
    n_first, pct_first = targets.target_share(first, start, end)
    n_overall, pct_overall = targets.target_share(overall, start, end)
    opened = [s for s in sites if s["opened_on"] in period]
    recruited = [s for s in sites if s["first_participant_on"] in period]
    return {
        "sites_opened": len(opened),
        "first_participants": len(recruited),
        "studies_assessed_approval": n_approval,
        "pct_approval_within_target": pct_approval,
        "sites_assessed_open": n_open,
        "pct_open_within_60": pct_open,
        "sites_assessed_first": n_first,
        "pct_first_within_30": pct_first,
        "studies_assessed_150": n_overall,
        "pct_within_150": pct_overall,
        "median_days_to_open": kpis.median(s["days_to_open"] for s in opened),
        "median_days_to_first_participant": kpis.median(s["days_to_first_participant"] for s in recruited),
        "median_days_overall": kpis.median(
            kpis.days_between(s["regulatory_submitted_on"], s["first_participant_on"])
            for s in studies
            if s["first_participant_on"] in period
        ),
        "participants_to_date": participants,
    }


def setup_figures(period: Period, today: datetime.date | None = None) -> dict:
    """Set-up against the UK targets (DESIGN.md section 7, second round): `setup` for commercial studies, and
    `setup_by_funding`. Each target is judged once, on the day its result became known, and counts in the
    period holding that day when that day is not after today: 3 queries."""
    today = today or timezone.localdate()
    # Every judgement falls at most 151 days after its clock starts, and a clock starts no earlier than the
    # regulatory submission: older studies and sites cannot be decided in the period.
    horizon = period.start - datetime.timedelta(days=OVERALL_TARGET_DAYS + 1)
    studies = list(
        FeasibilityRequest.objects.filter(regulatory_submitted_on__range=(horizon, period.end))
        .annotate(first_participant_on=Min("setups__first_participant_on"))
        .values(
            "id",
            "funding",
            "regulatory_submitted_on",
            "regulatory_approved_on",
            "advanced_therapy",
            "first_participant_on",
        )
    )
    for study in studies:
        study["approval"] = targets.approval_judgement(
            study["regulatory_submitted_on"], study["regulatory_approved_on"], study["advanced_therapy"], today
        )
        study["overall"] = targets.overall_judgement(
            study["regulatory_submitted_on"], [study["first_participant_on"]], today
        )
    # A site's judgements are decided by its opening (or 61 days after its clock) and by its first participant
    # (or 31 days after opening): sites done with both before the period are left in the database.
    month_before = period.start - datetime.timedelta(days=FIRST_PARTICIPANT_TARGET_DAYS + 1)
    sites = list(
        SiteSetUp.objects.filter(Q(request__regulatory_approved_on__lte=period.end) | Q(opened_on__lte=period.end))
        .exclude(first_participant_on__lt=period.start)
        .exclude(first_participant_on__isnull=True, opened_on__lt=month_before)
        .order_by(F("opened_on").asc(nulls_last=True), "request__reference", "centre__name")
        .values(
            "id",
            "request_id",
            "request__reference",
            "request__funding",
            "request__regulatory_approved_on",
            "centre__code",
            "centre__name",
            "selected_on",
            "opened_on",
            "first_participant_on",
        )
    )
    for site in sites:
        site["open"] = targets.open_judgement(
            site["request__regulatory_approved_on"], site["selected_on"], site["opened_on"], today
        )
        site["first"] = targets.first_participant_judgement(site["opened_on"], site["first_participant_on"], today)
        clock = targets.later_of(site["request__regulatory_approved_on"], site["selected_on"])
        site["days_to_open"] = kpis.days_between(clock, site["opened_on"])
        site["days_to_first_participant"] = kpis.days_between(site["opened_on"], site["first_participant_on"])
    participants = dict(
        SiteSetUp.objects.filter(
            request__status=RequestStatus.PLACED, request__closed_on__range=(period.start, period.end)
        )
        .values_list("request__funding")
        .annotate(n=Sum("participants"))
        .values_list("request__funding", "n")
    )
    by_funding = {
        funding: _setup_keys(
            period,
            [s for s in studies if s["funding"] == funding],
            [s for s in sites if s["request__funding"] == funding],
            participants.get(funding) or 0,
        )
        for funding in Funding.values
    }
    listed = [
        s
        for s in sites
        if s["request__funding"] == Funding.COMMERCIAL
        and (
            s["opened_on"] in period
            or s["first_participant_on"] in period
            or s["open"].decided_on in period
            or s["first"].decided_on in period
        )
    ]
    return {
        "setup": by_funding[Funding.COMMERCIAL]
        | {
            "sites": [
                {
                    "request": s["request__reference"],
                    "request_id": s["request_id"],
                    "centre": s["centre__code"],
                    "centre_name": s["centre__name"],
                    "opened_on": s["opened_on"].isoformat() if s["opened_on"] else None,
                    "first_participant_on": s["first_participant_on"].isoformat()
                    if s["first_participant_on"]
                    else None,
                    "days_to_open": s["days_to_open"],
                    "days_to_first_participant": s["days_to_first_participant"],
                    "open_target": s["open"].status if s["open"].decided_on in period else None,
                    "first_target": s["first"].status if s["first"].decided_on in period else None,
                }
                for s in listed
            ]
        },
        "setup_by_funding": by_funding,
    }


# History ----------------------------------------------------------------------------------------------


def feasibility_history(period: Period, years: int = HISTORY_YEARS) -> list[dict]:
    """Requests received and the share with interest, for up to `years` periods ending with this one, counted
    by the database in 1 query.

    The history starts with the first period that received a request (years before the network kept records
    are not empty years to chart); a quiet year after that stays, as a 0."""
    periods = [kpis.period_for(period.year - back, financial=period.financial) for back in range(years - 1, -1, -1)]
    invitations = Invitation.objects.filter(request=OuterRef("pk"))
    # One row per period and kind of request (circulated or not, with interest or not), with how many.
    rows = (
        FeasibilityRequest.objects.filter(received_on__range=(periods[0].start, periods[-1].end))
        .annotate(
            index=Case(*(When(received_on__range=(p.start, p.end), then=Value(i)) for i, p in enumerate(periods))),
            circulated=Exists(invitations),
            interested=Exists(invitations.filter(response__decision=Decision.INTERESTED)),
        )
        .values("index", "circulated", "interested")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counted = {(i, what): 0 for i in range(len(periods)) for what in ("received", "circulated", "interested")}
    for row in rows:
        counted[row["index"], "received"] += row["n"]
        counted[row["index"], "circulated"] += row["n"] if row["circulated"] else 0
        counted[row["index"], "interested"] += row["n"] if row["interested"] else 0
    history = []
    for i, p in enumerate(periods):
        n_received = counted[i, "received"]
        if not n_received and not history and p is not periods[-1]:
            continue
        n_circulated, n_interested = counted[i, "circulated"], counted[i, "interested"]
        history.append(
            {
                "year": p.year,
                "label": p.label,
                "received": n_received,
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
        **setup_figures(period),
        "regulatory": regulatory_figures(period),
        "partnerships": partnership_figures(period),
    }


def planned_initiatives(period: Period) -> list[dict]:
    """Initiatives still planned, or starting after the period: the plans for next year. 1 query."""
    rows = (
        Initiative.objects.filter(Q(status=InitiativeStatus.PLANNED) | Q(started_on__gt=period.end))
        .exclude(ended_on__lte=period.end)
        .order_by("started_on", "title")
        .values("id", "title", "kind", "started_on")
    )
    return [r | {"started_on": r["started_on"].isoformat() if r["started_on"] else None} for r in rows]


# The figures change only when their records do: kept in the shared cache under the records' version --------


def records_version() -> str:
    """The newest history row of each model the figures read, in one query: it changes with every write to
    those records (however it was made, in whichever process), so figures cached under it are never stale."""
    return freshness.records_version(FIGURE_MODELS)


def cached_figures(name: str, today: datetime.date, compute):
    """`compute()` (figures, or what is drawn from them alone), kept per day (targets are judged against today)
    and per version of the records: 2 queries when nothing was written since it was last computed (the
    version, and the cache's read)."""
    return freshness.cached(
        f"reports:{name}:{today.isoformat()}", FIGURE_MODELS, compute, timeout=FIGURES_CACHE_SECONDS
    )


def annual_report(year: int, *, financial: bool = False) -> dict:
    """The whole report as JSON-ready data (the keys of DESIGN.md section 7, and a few more), computed once
    for each state of the records (see `records_version`)."""
    today = timezone.localdate()
    return cached_figures(f"annual:{year}:{int(financial)}", today, lambda: _annual_report(year, financial=financial))


def _annual_report(year: int, *, financial: bool = False) -> dict:
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
        "plans": planned_initiatives(period),
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
    # From local midnight, as a moment: the (centre, routed_at) index serves the range (a cast to a date would not).
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    for inv in Invitation.objects.filter(centre__in=[c.pk for c in centres], routed_at__gte=start).values(
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
    ("organisations_engaged", "Industry organisations engaged", "engagements", "organisations_engaged", ""),
    ("organisations_new", "New industry organisations", "engagements", "organisations_new", ""),
    ("partners_engaged", "Partner organisations engaged", "engagements", "partners_engaged", ""),
    ("events_attended", "Events attended", "engagements", "events_attended", ""),
    ("events_hosted", "Events hosted", "engagements", "events_hosted", ""),
    ("received", "Opportunities received", "feasibility", "received", ""),
    ("circulated", "Circulated to centres", "feasibility", "circulated", ""),
    ("with_interest", "With a centre interested", "feasibility", "with_interest", ""),
    ("with_interest_pct", "Share with interest", "feasibility", "with_interest_pct", "%"),
    ("median_response_days", "Median days to answer", "feasibility", "median_response_days", " days"),
    ("placed", "Opportunities placed", "feasibility", "placed", ""),
    ("pct_approval_within_target", "Approval within 60 (90) days", "setup", "pct_approval_within_target", "%"),
    ("pct_open_within_60", "Sites open within 60 days", "setup", "pct_open_within_60", "%"),
    ("pct_first_within_30", "First participant within 30 days", "setup", "pct_first_within_30", "%"),
    ("pct_within_150", "Studies within 150 days", "setup", "pct_within_150", "%"),
    ("median_days_to_open", "Median days to open a site", "setup", "median_days_to_open", " days"),
    (
        "median_days_to_first_participant",
        "Median days to first participant",
        "setup",
        "median_days_to_first_participant",
        " days",
    ),
    ("participants_to_date", "Participants recruited", "setup", "participants_to_date", ""),
]


# Why a headline figure can be "–": said beside it on the page, in the PDF and in the Word document.
EMPTY_NOTES = {
    "with_interest_pct": "no opportunity was circulated to centres",
    "median_response_days": "no centre answered an invitation",
    "median_days_to_open": "no commercial study's site opened",
    "median_days_to_first_participant": "no commercial study's site recruited its first participant",
    "pct_approval_within_target": "no commercial study's approval target was decided (met or missed)",
    "pct_open_within_60": "no commercial site's 60-day opening target was decided (met or missed)",
    "pct_first_within_30": "no commercial site's 30-day first-participant target was decided",
    "pct_within_150": "no commercial study's 150-day target was decided",
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

    this, last = report["label"], report["previous_year"]["label"]
    prev = report["previous_year"]
    months = kpis.period_for(report["year"], financial=report.get("financial_year", False)).months
    feas, feas_before = report["feasibility"], prev["feasibility"]
    communities = [
        [Community(c).label, n, feas_before.get("by_community", {}).get(c, 0)] for c, n in feas["by_community"].items()
    ]
    communities.append(
        ["Needing radiopharmaceuticals", feas["radiopharmaceutical"], feas_before["radiopharmaceutical"]]
    )
    setup, setup_before = report["setup"], prev["setup"]
    target_rows = [
        (
            "Approval within 60 days (90 for an advanced therapy)",
            "studies_assessed_approval",
            "pct_approval_within_target",
        ),
        ("Site open within 60 days of approval or selection", "sites_assessed_open", "pct_open_within_60"),
        ("First participant within 30 days of opening", "sites_assessed_first", "pct_first_within_30"),
        ("Study: 150 days from submission to first participant", "studies_assessed_150", "pct_within_150"),
    ]
    judged = {targets.MET: "Met", targets.MISSED: "Missed", None: None, targets.PENDING: None}
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
            "title": "Events attended and hosted",
            "headers": ["Event", "Kind", "Starts", "Place", "Our part", "Meetings held", "Staff attending"],
            "rows": [
                [
                    e["name"],
                    EventKind(e["kind"]).label,
                    _day(e["starts_on"]),
                    e["place"] + (" (international)" if e["scope"] == EventScope.INTERNATIONAL else ""),
                    Participation(e["participation"]).label,
                    e["meetings"],
                    e["staff_attending"],
                ]
                for e in report["engagements"]["events"]
            ],
        },
        "regulatory": {
            "title": "Roundtables and meetings with regulators",
            "headers": ["Date", "Kind", "Regulators", "Event"],
            "rows": [
                [_day(r["occurred_on"]), EngagementKind(r["kind"]).label, r["regulators"], r["event"]]
                for r in report["regulatory"]["items"]
            ],
        },
        "initiatives_by_kind": {
            "title": "Capability-building initiatives by kind",
            "headers": ["Kind", this, last],
            "rows": [
                [InitiativeKind(k).label, n, prev["engagements"].get("initiatives", {}).get(k, 0)]
                for k, n in report["engagements"]["initiatives"].items()
            ],
        },
        "initiatives": {
            "title": "Initiatives active in the year",
            "headers": ["Initiative", "Kind", "Status", "Started", "Ended", "Partner organisations", "Companies"],
            "rows": [
                [
                    i["title"],
                    InitiativeKind(i["kind"]).label,
                    InitiativeStatus(i["status"]).label,
                    _day(i["started_on"]),
                    _day(i["ended_on"]),
                    i["partners"],
                    i["companies"],
                ]
                for i in report["engagements"]["initiative_list"]
            ],
        },
        "education_events": {
            "title": "Education events",
            "headers": ["Event", "Starts", "Our part", "Attendees"],
            "rows": [
                [e["name"], _day(e["starts_on"]), Participation(e["participation"]).label, e["attendees"]]
                for e in report["engagements"]["events"]
                if e["kind"] == EventKind.EDUCATION
            ],
        },
        "partners": {
            "title": "Partner organisations",
            "headers": ["Organisation", "Kind", "Engagements", "Joint initiatives"],
            "rows": [
                [o["name"], OrganisationKind(o["kind"]).label, o["engagements_held"], o["joint_initiatives"]]
                for o in report["partnerships"]["items"]
            ],
        },
        "plans": {
            "title": "Initiatives planned",
            "headers": ["Initiative", "Kind", "Starts"],
            "rows": [
                [i["title"], InitiativeKind(i["kind"]).label, _day(i["started_on"])] for i in report.get("plans", [])
            ],
        },
        "feasibility_by_community": {
            "title": "Opportunities by community",
            "headers": ["Community", this, last],
            "rows": communities,
        },
        "feasibility_by_funding": {
            "title": "Opportunities by funding",
            "headers": ["Funding", this, last],
            "rows": [
                [Funding(k).label, n, feas_before.get("by_funding", {}).get(k, 0)]
                for k, n in feas["by_funding"].items()
            ],
        },
        "outcomes": {
            "title": "Outcomes of opportunities closed in the year",
            "headers": ["Outcome", this, last],
            "rows": [
                [RequestStatus(k).label, feas[k], feas_before.get(k, 0)]
                for k in (RequestStatus.PLACED, RequestStatus.NOT_PLACED, RequestStatus.WITHDRAWN)
            ],
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
        "setup_targets": {
            "title": "Commercial studies against the UK set-up targets",
            "headers": ["Target", f"Assessed {this}", f"Met {this} %", f"Assessed {last}", f"Met {last} %"],
            "rows": [
                [label, setup[n], setup[share], setup_before.get(n), setup_before.get(share)]
                for label, n, share in target_rows
            ],
        },
        "setup_by_funding": {
            "title": f"Set-up by funding, {this}",
            "headers": [
                "Funding",
                "Approval within target %",
                "Sites open within 60 days %",
                "First participant within 30 days %",
                "Studies within 150 days %",
                "Median days to open",
                "Participants recruited",
            ],
            "rows": [
                [
                    Funding(k).label,
                    f["pct_approval_within_target"],
                    f["pct_open_within_60"],
                    f["pct_first_within_30"],
                    f["pct_within_150"],
                    f["median_days_to_open"],
                    f["participants_to_date"],
                ]
                for k, f in report["setup_by_funding"].items()
            ],
        },
        "setup": {
            "title": "Commercial sites: milestones and targets decided in the year",
            "headers": [
                "Request",
                "Centre",
                "Site open",
                "First participant",
                "Days to open",
                "Days to first participant",
                "Open within 60 days",
                "First participant within 30 days",
            ],
            "rows": [
                [
                    s["request"],
                    s["centre_name"],
                    _day(s["opened_on"]),
                    _day(s["first_participant_on"]),
                    s["days_to_open"],
                    s["days_to_first_participant"],
                    judged[s["open_target"]],
                    judged[s["first_target"]],
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
        "those that took place in the period. Industry organisations are pharma, biotech, medtech and CROs; an "
        "industry organisation is new when its first engagement ever falls in the period. Every other kind "
        "(charities, research networks such as the NIHR, academia, the NHS, regulators, government) is a partner.",
    ),
    (
        "Events",
        "those starting in the period. Attended (exhibited, presented) ones count when staff went or at least one "
        "engagement was held there (its meetings held); hosted ones are those the network ran. International "
        "ones are held abroad.",
    ),
    (
        "Regulatory engagement",
        "roundtables (each counted once, by its event, however many engagements were logged at it), and "
        "engagements with at least one regulator (MHRA, HRA and the like).",
    ),
    (
        "Initiatives",
        "the network's capability-building work (education, early-career investigators, patient information, "
        "regulatory work, partnerships) active at any time in the period. Education events are events of the "
        "education kind; their attendees are those recorded on each event.",
    ),
    (
        "Partner organisations",
        "partners (not industry) engaged in the period or working with the network on an initiative active in it.",
    ),
    (
        "Opportunities",
        "feasibility requests received in the period; circulated ones were routed to at least one "
        "centre; those with interest had at least one centre answer “interested”. The share with interest is of "
        "those circulated. Placed, not placed and withdrawn count the requests closed so in the period.",
    ),
    (
        "Communities",
        "a request counts in each of its communities: adult and paediatric from its populations, haematology "
        "when a tumour type is a haematological malignancy or the haematology capability is required. "
        "Radiopharmaceutical opportunities need that capability: required, as a tumour type, or through a "
        "modality rule.",
    ),
    (
        "Answers",
        "count for the year the request was received in, even when they came after the year ended. Days "
        "to answer run from routing to a centre's first answer. A centre's response rate is the share of its "
        "invitations it answered; a centre that never answered shows 0%.",
    ),
    (
        "Set-up targets",
        "commercial studies only (set-up by funding gives collaborative and non-commercial ones apart). Approval: "
        "60 days from regulatory submission (90 for an advanced therapy). Site open: 60 days from the later of the "
        "study's approval and the site's selection (both needed). First participant: 30 days from the site's "
        "opening. Study: 150 days from submission to its first participant at any site. Each target is judged "
        "once: met on the day it is reached in time, missed on the first day past its time (day 61, 91, 31 or "
        "151) even if reached later, and counted in the period holding that day; one still inside its time "
        "counts nowhere yet.",
    ),
    (
        "Median days",
        "to open: over the commercial sites opened in the period; to first participant: over those that "
        "recruited their first participant in it. Participants recruited: recorded on the set-ups of the "
        "studies placed in the period.",
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


def _was(now, before) -> str:
    return f"{_n(now)} ({_n(before)})"


def chapters(report: dict) -> list[dict]:
    """The report's chapters after the summary: {id, title, paragraphs, charts, tables} (chart and table names),
    drawn alike by the PDF and the Word document. Each sentence gives the year before in brackets."""
    eng, prev = report["engagements"], report["previous_year"]
    eng_before = prev["engagements"]
    feas, feas_before = report["feasibility"], prev["feasibility"]
    setup, setup_before = report["setup"], prev["setup"]
    regulatory, regulatory_before = report["regulatory"], prev["regulatory"]
    last = prev["label"]
    initiatives = sum(eng["initiatives"].values())
    return [
        {
            "id": "engagements",
            "title": "Industry engagements",
            "paragraphs": [
                f"{_plural(eng['total'], 'engagement')} with "
                f"{_plural(eng['organisations_engaged'], 'industry organisation')}, {eng['organisations_new']} of "
                f"them new to the network, and {_plural(eng['partners_engaged'], 'partner organisation')} "
                f"({last}: {eng_before['total']} engagements with {eng_before['organisations_engaged']} industry "
                f"and {eng_before.get('partners_engaged', 0)} partner organisations)."
            ],
            "charts": ["engagements_by_month", "engagements_by_kind", "organisations"],
            "tables": ["engagements_by_kind", "engagements_by_month"],
        },
        {
            "id": "events",
            "title": "Events",
            "paragraphs": [
                f"{_plural(eng['events_attended'], 'event')} attended, exhibited or presented at and "
                f"{eng['events_hosted']} hosted by the network; {eng['events_international']} of them international "
                f"({last}: {eng_before['events_attended']} attended, {eng_before.get('events_hosted', 0)} hosted)."
            ],
            "charts": ["events"],
            "tables": ["events"],
        },
        {
            "id": "regulatory",
            "title": "Regulatory engagement",
            "paragraphs": [
                f"{_plural(regulatory['roundtables'], 'roundtable')} and "
                f"{_plural(regulatory['with_regulators'], 'meeting')} with regulators "
                f"({last}: {regulatory_before['roundtables']} and {regulatory_before['with_regulators']}); "
                f"{_plural(eng['initiatives'].get('regulatory', 0), 'regulatory initiative')} active."
            ],
            "charts": [],
            "tables": ["regulatory"],
        },
        {
            "id": "capability",
            "title": "Education and capability building",
            "paragraphs": [
                f"{_plural(initiatives, 'initiative')} active ({last}: {sum(eng_before.get('initiatives', {}).values())}); "
                f"{_plural(eng['education_events'], 'education event')} with {_n(eng['education_attendees'])} "
                f"attendees recorded ({last}: {eng_before.get('education_events', 0)} events, "
                f"{eng_before.get('education_attendees', 0)} attendees)."
            ],
            "charts": [],
            "tables": ["initiatives_by_kind", "initiatives", "education_events"],
        },
        {
            "id": "partnerships",
            "title": "Partnerships",
            "paragraphs": [
                f"{_plural(report['partnerships']['organisations'], 'partner organisation')} (charities, research "
                "networks, academia, the NHS, regulators and government) engaged or working with the network on an "
                f"initiative ({last}: {prev['partnerships']['organisations']})."
            ],
            "charts": [],
            "tables": ["partners"],
        },
        {
            "id": "feasibility",
            "title": "Trial opportunities",
            "paragraphs": [
                f"{_plural(feas['received'], 'opportunity', 'opportunities')} received; {feas['circulated']} circulated "
                f"to centres; {feas['with_interest']} with at least one centre interested "
                f"({_n(feas['with_interest_pct'], '%')} of those circulated; {last}: "
                f"{_n(feas_before['with_interest_pct'], '%')}). Median days from routing to a centre's answer: "
                f"{_n(feas['median_response_days'])}.",
                f"Closed in the year: {feas['placed']} placed in the network, {feas['not_placed']} not placed, "
                f"{feas['withdrawn']} withdrawn ({last}: {feas_before.get('placed', 0)} placed).",
            ],
            "charts": ["opportunities_history", "populations_and_modalities"],
            "tables": [
                "history",
                "feasibility_by_community",
                "feasibility_by_funding",
                "outcomes",
                "feasibility_by_modality",
            ],
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
            "title": "Set-up of commercial studies",
            "paragraphs": [
                "The UK targets are for commercial studies: combined regulatory approval within 60 days of "
                "submission (90 for an advanced therapy); each site open within 60 days of approval or its "
                "selection, the later; its first participant within 30 days of opening; and 150 days from "
                "submission to the study's first participant at any site. Each is judged once: met on the day it "
                "is reached in time, missed on the first day past it, even if reached later; one still inside its "
                "time counts nowhere yet.",
                f"{_plural(setup['sites_opened'], 'site')} opened and "
                f"{_plural(setup['first_participants'], 'site')} recruited a first participant; median days to open "
                f"{_was(setup['median_days_to_open'], setup_before['median_days_to_open'])}, to first participant "
                f"{_was(setup['median_days_to_first_participant'], setup_before['median_days_to_first_participant'])} "
                f"({last} in brackets). {_plural(setup['participants_to_date'], 'participant')} recruited so far to "
                "the commercial studies placed in the year.",
            ],
            "charts": ["setup_targets"],
            "tables": ["setup_targets", "setup_by_funding", "setup"],
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
    (so the same headline figures and charts apply); computed once for each state of the records, as the
    dashboards read it on every load."""
    today = today or timezone.localdate()
    return cached_figures("year_so_far", today, lambda: _year_so_far(today))


def _year_so_far(today: datetime.date) -> dict:
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
