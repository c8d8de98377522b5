"""`seed_demo --scale N`: the demo network with N network-years of records, written in bulk.

The network keeps its 29 centres (a network does not grow tenfold in centres); what grows is history. Scale N
adds N - 1 earlier network-years before the demo's own (which starts on 1 January two years back), each the
size of a busy year: about 40 organisations, 100 contacts, the year's events, 420 engagements, 150 follow-ups
and 170 requests routed to about ten centres each, answered, closed and, when placed, set up. Every row gets
its history row through simple-history's bulk helper, dated when the row was made.

The vocabulary (names, subjects, modalities, reasons) comes from each app's demo module by import, so the
scaled years read like the demo. Deterministic (random.Random) and rerunnable: a year already there is skipped.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from capabilities.models import Capability, Centre
from crm.models import Role, User
from engagements import demo as engagement_demo
from engagements.models import Contact, Engagement, Event, FollowUp, Organisation, normalise_name
from feasibility import demo as feasibility_demo
from feasibility.models import CentreResponse, FeasibilityRequest, Invitation, Requirement, SiteSetUp

SEED = 20261130

# One network-year at the size of a busy year (the measurements at scale 10: 1,735 requests,
# 18,067 invitations, 4,200 engagements).
ORGANISATIONS_PER_YEAR = 40
CONTACTS_PER_YEAR = 100
ENGAGEMENTS_PER_YEAR = 420
FOLLOW_UP_SHARE = 0.35  # of engagements
FOLLOW_UPS_LEFT_OPEN = 0.04  # forgotten ones: "my follow-ups" must page them
REQUESTS_PER_YEAR = 170
INVITATIONS_PER_REQUEST = (6, 14)
ANSWERED_SHARE = 0.9
OUTCOMES = [("placed", 30), ("not_placed", 50), ("withdrawn", 10), ("summary_sent", 10)]
NAME_STEMS = ["Vel", "Cor", "Nor", "Lum", "Ast", "Bri", "Cal", "Dun", "Esk", "Fen", "Gal", "Hal", "Iso", "Jun"]
NAME_ENDS = ["trix", "vane", "gate", "enra", "elis", "ora", "dera", "more", "wick", "lith", "ton", "vara"]
NAME_KINDS = [("Therapeutics", "biotech"), ("Pharma", "pharma"), ("Oncology", "biotech"), ("Clinical", "cro")]
BATCH = 2000


@dataclass
class YearPlan:
    """What one scaled year holds, built in memory and written in bulk."""

    year: int
    organisations: list[Organisation] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def _day(rng: random.Random, year: int) -> datetime.date:
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365))


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _stamp(objs: list[models.Model], when: Callable[[models.Model], datetime.datetime]) -> list[models.Model]:
    """Date each object's history row when the object was made, not when the seed ran."""
    for obj in objs:
        obj._history_date = when(obj)
    return objs


def _bulk(model, objs, *, user, when):
    return bulk_create_with_history(_stamp(objs, when), model, batch_size=BATCH, default_user=user)


def _has_field(model, name: str) -> bool:
    # The regulatory dates move from the set-up to the request (figures-data): write them where they live.
    return any(f.name == name for f in model._meta.get_fields())


def scaled_years(scale: int, today: datetime.date) -> list[int]:
    """The calendar years added for `scale`, newest first, all before the demo's own years."""
    first_demo_year = engagement_demo.demo_start(today).year
    return [first_demo_year - n for n in range(1, scale)]


def seed_scale(scale: int, *, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Add the network-years that take the demo to `scale`; returns what was made."""
    today = timezone.localdate()
    counts: dict[str, int] = {}
    years = [
        y
        for y in scaled_years(scale, today)
        if not FeasibilityRequest.objects.filter(reference__startswith=f"FR-{y}-").exists()
    ]
    office = list(User.objects.filter(role=Role.PROGRAMME_OFFICE, is_active=True).order_by("pk"))
    centres = list(Centre.objects.filter(active=True).order_by("pk"))
    capabilities = list(
        Capability.objects.filter(is_tumour_type=False).exclude(code__in=["adult", "paediatric"]).order_by("pk")
    )
    tumours = list(Capability.objects.filter(is_tumour_type=True).order_by("pk"))
    for done, year in enumerate(years):
        rng = random.Random(SEED + year)
        with transaction.atomic():
            made = _seed_year(rng, year, office=office, centres=centres, capabilities=capabilities, tumours=tumours)
        for key, n in made.items():
            counts[key] = counts.get(key, 0) + n
        if progress:
            progress(f"year {year}", done + 1, len(years))
    return counts


def _seed_year(rng, year, *, office, centres, capabilities, tumours) -> dict[str, int]:
    plan = YearPlan(year=year)
    user = office[0] if office else None
    _plan_organisations(rng, plan, office)
    _bulk(Organisation, plan.organisations, user=user, when=lambda o: o.created_at)
    _plan_contacts(rng, plan)
    _bulk(Contact, plan.contacts, user=user, when=lambda c: c.created_at)
    for name, kind, month, day, length, place, virtual, scope, participation, attendees in engagement_demo.EVENT_SERIES:
        starts_on = datetime.date(year, month, day)
        plan.events.append(
            Event(
                name=f"{name} {year}",
                kind=kind,
                starts_on=starts_on,
                ends_on=starts_on + datetime.timedelta(days=length - 1),
                place=place,
                virtual=virtual,
                scope=scope,
                participation=participation,
                attendees=attendees,
            )
        )
    _bulk(Event, plan.events, user=user, when=lambda e: _at(e.starts_on))
    engagements, follow_ups = _seed_engagements(rng, plan, office)
    requests, invitations, responses, setups = _seed_requests(
        rng, plan, office=office, centres=centres, capabilities=capabilities, tumours=tumours
    )
    return {
        "organisations": len(plan.organisations),
        "contacts": len(plan.contacts),
        "events": len(plan.events),
        "engagements": engagements,
        "follow-ups": follow_ups,
        "requests": requests,
        "invitations": invitations,
        "responses": responses,
        "set-ups": setups,
    }


def _plan_organisations(rng, plan: YearPlan, office) -> None:
    kinds = [kind for _, kind, *_ in engagement_demo.ORGANISATIONS]
    countries = sorted({country for *_, country, _, _ in engagement_demo.ORGANISATIONS})
    for n in range(ORGANISATIONS_PER_YEAR):
        suffix, kind = rng.choice(NAME_KINDS)
        if rng.random() < 0.2:
            kind = rng.choice(kinds)
        name = f"{rng.choice(NAME_STEMS)}{rng.choice(NAME_ENDS)} {suffix} {plan.year % 100:02d}{n:02d}"
        plan.organisations.append(
            Organisation(
                name=name,
                normalised_name=normalise_name(name),  # bulk_create skips save(), which sets it
                kind=kind,
                size=rng.choice(["large", "sme", "startup"]),
                country=rng.choice(countries),
                status=rng.choice(["prospect", "active", "active", "partner", "dormant"]),
                owner=rng.choice(office) if office else None,
                created_at=_at(_day(rng, plan.year)),
            )
        )


def _plan_contacts(rng, plan: YearPlan) -> None:
    for n in range(CONTACTS_PER_YEAR):
        org = plan.organisations[n % len(plan.organisations)]
        first, last = rng.choice(engagement_demo.FIRST_NAMES), rng.choice(engagement_demo.LAST_NAMES)
        handle = f"{first}.{last}".lower().replace("'", "")
        plan.contacts.append(
            Contact(
                first_name=first,
                last_name=last,
                email=f"{handle}.{plan.year}{n:03d}@org{org.pk}.example",
                job_title=rng.choice(engagement_demo.JOB_TITLES),
                organisation=org,
                created_at=org.created_at,
            )
        )


def _seed_engagements(rng, plan: YearPlan, office) -> tuple[int, int]:
    engagements, links = [], []
    for _ in range(ENGAGEMENTS_PER_YEAR):
        event = rng.choice(plan.events) if rng.random() < 0.4 else None
        occurred_on = event.starts_on if event else _day(rng, plan.year)
        kind = "conference_meeting" if event else rng.choice(["meeting", "call", "call", "email", "site_visit"])
        orgs = rng.sample(plan.organisations, 1 if rng.random() < 0.85 else 2)
        engagements.append(
            Engagement(
                occurred_on=occurred_on,
                kind=kind,
                subject=rng.choice(engagement_demo.SUBJECTS),
                summary=f"Discussed {rng.choice(engagement_demo.TOPICS)} and next steps with {orgs[0].name}.",
                event=event,
                topics=", ".join(rng.sample(engagement_demo.TOPICS, 2)),
                created_by=rng.choice(office) if office else None,
                created_at=_at(occurred_on, 17),
            )
        )
        links.append(orgs)
    user = office[0] if office else None
    _bulk(Engagement, engagements, user=user, when=lambda e: e.created_at)
    Through = Engagement.organisations.through
    Through.objects.bulk_create(
        [
            Through(engagement_id=e.pk, organisation_id=o.pk)
            for e, orgs in zip(engagements, links, strict=True)
            for o in orgs
        ],
        batch_size=BATCH,
    )
    by_org: dict[int, list[Contact]] = {}
    for contact in plan.contacts:
        by_org.setdefault(contact.organisation_id, []).append(contact)
    People = Engagement.contacts.through
    People.objects.bulk_create(
        [
            People(engagement_id=e.pk, contact_id=c.pk)
            for e, orgs in zip(engagements, links, strict=True)
            for c in rng.sample(by_org.get(orgs[0].pk, []), min(len(by_org.get(orgs[0].pk, [])), rng.randint(0, 2)))
        ],
        batch_size=BATCH,
    )
    if office:
        Staff = Engagement.staff.through
        Staff.objects.bulk_create(
            [Staff(engagement_id=e.pk, user_id=rng.choice(office).pk) for e in engagements], batch_size=BATCH
        )
    follow_ups = []
    for engagement, orgs in zip(engagements, links, strict=True):
        if not office or rng.random() >= FOLLOW_UP_SHARE:
            continue
        due_on = engagement.occurred_on + datetime.timedelta(days=rng.randint(3, 30))
        follow_ups.append(
            FollowUp(
                engagement=engagement,
                organisation=orgs[0],
                owner=rng.choice(office),
                due_on=due_on,
                done_on=None if rng.random() < FOLLOW_UPS_LEFT_OPEN else due_on,
                text=rng.choice(engagement_demo.FOLLOW_UPS),
            )
        )
    _bulk(FollowUp, follow_ups, user=user, when=lambda f: _at(f.due_on))
    return len(engagements), len(follow_ups)


def _weighted(rng, pairs):
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


def _seed_requests(rng, plan: YearPlan, *, office, centres, capabilities, tumours) -> tuple[int, int, int, int]:
    user = office[0] if office else None
    sponsors = [
        o for o in plan.organisations if o.kind in ("pharma", "biotech", "medtech", "cro")
    ] or plan.organisations
    requests = []
    for n in range(1, REQUESTS_PER_YEAR + 1):
        # The demo's plausible study designs (target, tumour types and populations that agree), weighted.
        design = _weighted(rng, [(d, d[-1]) for d in feasibility_demo.STUDY_DESIGNS])
        modality, target, tumour_codes, setting, populations = design[:5]
        received = _day(rng, plan.year)
        request = FeasibilityRequest(
            reference=f"FR-{plan.year}-{n:04d}",
            title=f"A phase I study of {feasibility_demo.DESIGNS[modality].format(target=target)} in {setting}",
            sponsor=rng.choice(sponsors),
            received_on=received,
            asset=f"{rng.choice(feasibility_demo.ASSET_PREFIXES)}-{rng.randint(100, 999)}",
            modality=modality,
            phase=_weighted(rng, feasibility_demo.PHASES),
            funding=_weighted(rng, feasibility_demo.FUNDING),
            populations=list(populations),
            sites_sought=rng.randint(2, 6),
            patients_total=rng.randint(20, 120),
            response_deadline=received + datetime.timedelta(days=14),
            status=_weighted(rng, OUTCOMES),
            owner=rng.choice(office) if office else None,
            created_at=_at(received),
        )
        request.tumour_codes = tumour_codes
        requests.append(request)
    on_request = _has_field(FeasibilityRequest, "regulatory_submitted_on")
    for request in requests:
        if request.status != "summary_sent":
            request.closed_on = request.received_on + datetime.timedelta(days=rng.randint(30, 120))
        if request.status == "placed":
            submitted = request.closed_on + datetime.timedelta(days=rng.randint(5, 30))
            request.regulatory = (submitted, submitted + datetime.timedelta(days=rng.randint(30, 80)))
            if on_request:
                request.regulatory_submitted_on, request.regulatory_approved_on = request.regulatory
    _bulk(FeasibilityRequest, requests, user=user, when=lambda r: r.created_at)
    Requirement.objects.bulk_create(
        [
            Requirement(request=r, capability=c, necessity=rng.choice(["required", "preferred"]))
            for r in requests
            for c in rng.sample(capabilities, min(len(capabilities), rng.randint(1, 3)))
        ],
        batch_size=BATCH,
    )
    if tumours:
        by_code = {t.code: t for t in tumours}
        Tumours = FeasibilityRequest.tumour_types.through
        Tumours.objects.bulk_create(
            [
                Tumours(feasibilityrequest_id=r.pk, capability_id=by_code[code].pk)
                for r in requests
                for code in r.tumour_codes
                if code in by_code
            ],
            batch_size=BATCH,
        )
    invitations = []
    for request in requests:
        routed = request.received_on + datetime.timedelta(days=rng.randint(1, 5))
        for centre in rng.sample(centres, min(len(centres), rng.randint(*INVITATIONS_PER_REQUEST))):
            invitations.append(
                Invitation(
                    request=request,
                    centre=centre,
                    routed_at=_at(routed),
                    routed_by=request.owner,
                    deadline=routed + datetime.timedelta(days=14),
                    score=rng.randint(40, 100),
                )
            )
    _bulk(Invitation, invitations, user=user, when=lambda i: i.routed_at)
    responses = []
    for invitation in invitations:
        if rng.random() >= ANSWERED_SHARE:
            continue
        answered = invitation.routed_at + datetime.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 6))
        decision = _weighted(rng, [("interested", 45), ("declined", 45), ("more_info", 10)])
        responses.append(
            CentreResponse(
                invitation=invitation,
                decision=decision,
                decline_reason=_weighted(rng, feasibility_demo.DECLINE_REASONS) if decision == "declined" else "",
                principal_investigator=rng.choice(feasibility_demo.PIS) if decision == "interested" else "",
                estimated_patients=rng.randint(2, 12) if decision == "interested" else None,
                comments=rng.choice(feasibility_demo.INTEREST_COMMENTS) if decision == "interested" else "",
                responded_at=answered,
                first_responded_at=answered,
            )
        )
    _bulk(CentreResponse, responses, user=user, when=lambda r: r.responded_at)
    interested: dict[int, list[Invitation]] = {}
    for response in responses:
        if response.decision == "interested":
            interested.setdefault(response.invitation.request_id, []).append(response.invitation)
    setups = _plan_setups(rng, [r for r in requests if r.status == "placed"], interested)
    _bulk(SiteSetUp, setups, user=user, when=lambda s: _at(s.selected_on))
    return len(requests), len(invitations), len(responses), len(setups)


def _plan_setups(rng, placed: list[FeasibilityRequest], interested: dict[int, list[Invitation]]) -> list[SiteSetUp]:
    on_setup = _has_field(SiteSetUp, "regulatory_submitted_on")
    setups = []
    for request in placed:
        submitted, approved = request.regulatory
        for invitation in interested.get(request.pk, [])[: rng.randint(1, 3)]:
            selected = request.closed_on
            opened = max(approved, selected) + datetime.timedelta(days=rng.randint(20, 80))
            setup = SiteSetUp(
                request=request,
                centre_id=invitation.centre_id,
                selected_on=selected,
                opened_on=opened,
                first_participant_on=opened + datetime.timedelta(days=rng.randint(5, 45)),
            )
            if on_setup:
                setup.regulatory_submitted_on, setup.regulatory_approved_on = submitted, approved
            setups.append(setup)
    return setups
