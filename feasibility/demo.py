"""Demo feasibility records: nearly three years of trial opportunities (growing), routed to matching centres, answered,
reported to sponsors, placed or not, with set-up dates mostly within the UK targets.

Deterministic (random.Random) and rerunnable: a request is identified by its reference and never duplicated.
Dates are in the past, so rows are written directly rather than through the services (which stamp "now").
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from capabilities.models import Capability, Centre, ModalityRule
from crm.models import Role
from engagements.models import Organisation
from feasibility import matching, services
from feasibility.models import (
    CentreResponse,
    FeasibilityRequest,
    Invitation,
    Requirement,
    SiteSetUp,
    SponsorSummary,
)
from feasibility.workdays import add_working_days

SEED = 20260501

FALLBACK_SPONSORS = [
    ("Helixar Therapeutics", "biotech"),
    ("Northgate Oncology", "biotech"),
    ("Corvane Pharma", "pharma"),
    ("Lumenra Bio", "biotech"),
    ("Aurelis Medicines", "pharma"),
]
ASSET_PREFIXES = ["XB", "NVX", "KT", "ORB", "LUM", "TRX", "ZEN", "HLX", "CRV", "AUR", "QP", "MRX"]
MODALITIES = [
    ("small_molecule", 30),
    ("antibody", 15),
    ("adc", 14),
    ("bispecific", 11),
    ("radioligand", 8),
    ("cell_therapy", 7),
    ("gene_therapy", 3),
    ("vaccine", 4),
    ("oncolytic_virus", 3),
    ("other", 5),
]
PHASES = [("phase_1", 60), ("phase_1_2", 25), ("phase_0", 5), ("phase_2", 10)]
DESIGNS = {
    "small_molecule": "oral {target} inhibitor",
    "antibody": "anti-{target} monoclonal antibody",
    "adc": "{target}-directed antibody-drug conjugate",
    "bispecific": "{target} x CD3 bispecific T-cell engager",
    "radioligand": "{target}-targeted radioligand therapy",
    "cell_therapy": "autologous {target} CAR-T cell therapy",
    "gene_therapy": "{target} gene therapy",
    "vaccine": "personalised neoantigen vaccine",
    "oncolytic_virus": "intratumoural oncolytic virus",
    "other": "first-in-class {target} modulator",
}
TARGETS = ["KRAS G12C", "HER2", "TROP2", "B7-H3", "CLDN18.2", "PSMA", "FGFR2", "DLL3", "CD19", "BCMA", "MTAP", "PRMT5"]
SETTINGS = [
    "advanced solid tumours",
    "relapsed or refractory disease",
    "previously treated metastatic disease",
    "biomarker-selected advanced cancers",
]
PAEDIATRIC_SETTINGS = ["relapsed paediatric solid tumours", "children and young people with refractory leukaemia"]
DECLINE_REASONS = [("no_capacity", 40), ("competing_trial", 25), ("no_population", 20), ("missing_capability", 10)]
INTEREST_COMMENTS = [
    "Strong fit with our phase I unit; slots available from next quarter.",
    "PI keen; we ran a similar first-in-human study last year.",
    "Interested subject to pharmacy capacity for the infusion schedule.",
    "Good referral network for this population across the region.",
    "",
]
NOT_PLACED_NOTES = [
    "The sponsor chose sites outside the UK for this study.",
    "The sponsor placed the study with sites outside the network.",
    "The sponsor needed fewer sites than planned and chose existing partners.",
]
WITHDRAWN_NOTES = [
    "The sponsor paused the programme after an interim safety review.",
    "The sponsor deprioritised the asset in its portfolio review.",
    "The study was cancelled after the sponsor's funding round.",
]
PIS = ["Dr A. Okafor", "Prof. R. Lindqvist", "Dr S. Patel", "Dr M. Byrne", "Prof. J. Whitcombe", "Dr L. Moreau"]


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def _sponsors(rng) -> list[Organisation]:
    sponsors = list(Organisation.objects.filter(merged_into__isnull=True).exclude(kind__in=["nhs", "regulator"]))
    if not sponsors:
        for name, kind in FALLBACK_SPONSORS:
            org, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind, "country": "United Kingdom"})
            sponsors.append(org)
    return sponsors


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _datetime(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed(*, users, centres) -> dict[str, int]:
    rng = random.Random(SEED)
    today = timezone.localdate()
    office = [u for u in users.values() if u.role == Role.PROGRAMME_OFFICE] or [None]
    sponsors = _sponsors(rng)
    centre_list = [c for c in Centre.objects.order_by("name") if c.active]
    by_id = {c.pk: c for c in centre_list}
    profiles = services.centre_profiles(centre_list, today)
    any_profile = any(p.levels for p in profiles)
    tumours = list(Capability.objects.filter(is_tumour_type=True).values_list("code", flat=True))
    held_counts: dict[str, int] = {}
    for p in profiles:
        for code, level in p.levels.items():
            if level in matching.HELD:
                held_counts[code] = held_counts.get(code, 0) + 1
    # Required capabilities are services (PET-CT, radiopharmacy...); tumour types go in their own field.
    common = sorted(
        code
        for code, n in held_counts.items()
        if n >= 5 and code not in ("adult", "paediatric") and code not in tumours
    )
    others = list(
        Capability.objects.filter(is_tumour_type=False)
        .exclude(code__in=["adult", "paediatric"])
        .values_list("code", flat=True)
    )
    capabilities = {c.code: c for c in Capability.objects.all()}
    rules: dict[str, list[str]] = {}
    for modality, code in ModalityRule.objects.values_list("modality", "capability__code"):
        rules.setdefault(modality, []).append(code)

    counts = {"requests": 0, "invitations": 0, "responses": 0, "summaries": 0, "set-ups": 0}
    sequence: dict[int, int] = {}
    start = today.replace(day=1)
    # From 1 January two years back, so last year's report has a whole year before it.
    months = 24 + today.month
    for month_back in range(months - 1, -1, -1):
        index = start.year * 12 + start.month - 1 - month_back
        month = datetime.date(index // 12, index % 12 + 1, 1)
        # Growing: about 2 a month at the start, about 8 now.
        n = round(2 + 6 * (months - 1 - month_back) / (months - 1) + rng.uniform(-1, 1))
        for _ in range(max(1, n)):
            received = month + datetime.timedelta(days=rng.randrange(0, 28))
            if received > today:
                received = today - datetime.timedelta(days=rng.randrange(0, 3))
            year = received.year
            sequence[year] = sequence.get(year, 0) + 1
            reference = f"FR-{year}-{sequence[year]:04d}"
            # Each request draws from its own generator, so a rerun (which skips existing requests)
            # keeps the outer sequence of dates and references in step.
            made = _seed_request(
                random.Random(rng.random()),
                reference=reference,
                received=received,
                today=today,
                sponsors=sponsors,
                office=office,
                tumours=tumours,
                common=common,
                others=others,
                capabilities=capabilities,
                rules=rules,
                profiles=profiles,
                any_profile=any_profile,
                centre_list=centre_list,
                by_id=by_id,
            )
            for key, value in made.items():
                counts[key] += value
    return counts


def _seed_request(rng, *, reference, received, today, sponsors, office, tumours, common, others, capabilities, rules,
                  profiles, any_profile, centre_list, by_id) -> dict[str, int]:  # fmt: skip
    counts = {"requests": 0, "invitations": 0, "responses": 0, "summaries": 0, "set-ups": 0}
    # Draw every random choice even for an existing request, so reruns stay in step.
    modality = _weighted(rng, MODALITIES)
    phase = _weighted(rng, PHASES)
    roll = rng.random()
    populations = ["paediatric"] if roll < 0.1 else (["adult", "paediatric"] if roll < 0.15 else ["adult"])
    asset = f"{rng.choice(ASSET_PREFIXES)}-{rng.randrange(100, 990)}"
    target = rng.choice(TARGETS)
    setting = rng.choice(PAEDIATRIC_SETTINGS if populations == ["paediatric"] else SETTINGS)
    design = DESIGNS[modality].format(target=target)
    article = "an" if design[0].lower() in "aeiou" else "a"
    kind = "First-in-human" if phase in ("phase_0", "phase_1") else "Phase I/II"
    title = f"{kind} study of {asset}, {article} {design}, in {setting}"
    tumour_codes = rng.sample(tumours, k=min(len(tumours), rng.choice([0, 1, 1, 2])))
    required = rng.sample(common, k=min(len(common), rng.choice([0, 1, 1, 2])))
    preferred = [c for c in rng.sample(others, k=min(len(others), rng.choice([0, 1, 2, 3]))) if c not in required]
    sponsor = rng.choice(sponsors)
    owner = rng.choice(office)
    sites = rng.choice([2, 3, 4, 5, 6, 8])
    patients = rng.choice([24, 30, 40, 60, 80, 120])
    triage_days = rng.randrange(1, 5)
    has_interest = rng.random() < 0.94
    answer_rolls = [rng.random() for _ in range(40)]
    outcome_roll = rng.random()
    summary_roll = rng.random()
    timing_rolls = [rng.random() for _ in range(40)]

    if FeasibilityRequest.objects.filter(reference=reference).exists():
        return counts
    request = FeasibilityRequest.objects.create(
        reference=reference,
        title=title[:300],
        sponsor=sponsor,
        received_on=received,
        asset=asset,
        modality=modality,
        phase=phase,
        populations=populations,
        sites_sought=sites,
        patients_total=patients,
        planned_start=received + datetime.timedelta(days=120 + 30 * rng.randrange(0, 4)),
        under_nda=True,
        synopsis=(
            f"{asset} is an investigational {design}. This open-label {phase.replace('_', ' ')} study "
            f"evaluates safety, tolerability and preliminary activity in {setting}, with dose escalation "
            f"followed by expansion cohorts. The sponsor seeks {sites} UK sites."
        ),
        status="triage",
        owner=owner,
        created_at=_datetime(received, 9),
    )
    counts["requests"] += 1
    request.tumour_types.set([capabilities[c] for c in tumour_codes])
    for code in required:
        Requirement.objects.create(request=request, capability=capabilities[code], necessity="required")
    for code in preferred:
        Requirement.objects.create(request=request, capability=capabilities[code], necessity="preferred")

    routed_on = add_working_days(received, triage_days)
    if routed_on > today:
        return counts  # still in triage
    spec = matching.RequestSpec(
        populations=populations,
        modality=modality,
        required=required,
        preferred=preferred,
        tumour_types=tumour_codes,
        modality_rules=rules,
    )
    matches = matching.match_centres(spec, profiles)
    chosen = [m for m in matches if m.eligible][:12]
    override = ""
    if not chosen and any_profile:
        # No centre holds what the trial needs: the office closes it without circulating.
        request.status = "not_placed"
        request.closed_on = routed_on
        request.outcome_notes = "No centre in the network holds the required capabilities."
        request.save(update_fields=["status", "closed_on", "outcome_notes"])
        return counts
    if not chosen:
        # Profiles not recorded yet: route by the centre's population, as the office did before the directory.
        paediatric_only = populations == ["paediatric"]
        chosen = [m for m in matches if by_id[m.centre_id].code.endswith("-paed") == paediatric_only][:10]
        override = "Capability profile not yet recorded; routed on the centre's population."
    if not any_profile:
        override = override or "Capability profile not yet recorded."
    routed_at = _datetime(routed_on, 10)
    invitations = []
    for match in chosen:
        centre = by_id[match.centre_id]
        invitation = Invitation.objects.create(
            request=request,
            centre=centre,
            routed_at=routed_at,
            routed_by=owner,
            deadline=add_working_days(routed_on, 10, centre.nation),
            score=match.score,
            eligible=match.eligible,
            explanation=match.explanation(),
            override_reason="" if match.eligible else override,
        )
        invitations.append(invitation)
    counts["invitations"] += len(invitations)
    request.status = "circulating"

    # Answers: most on time, some late, some never.
    answered = []
    for i, invitation in enumerate(invitations):
        r = answer_rolls[i % len(answer_rolls)]
        t = timing_rolls[i % len(timing_rolls)]
        if r > 0.86:
            continue  # never answered
        delay = 2 + int(t * 8) if t < 0.85 else 11 + int(t * 6)  # working days; the last ones are late
        answered_on = add_working_days(routed_on, delay, invitation.centre.nation)
        if answered_on > today:
            continue
        answered.append((invitation, answered_on, r))
    interested_any = False
    interested = []
    for index, (invitation, answered_on, r) in enumerate(answered):
        if has_interest and (r < 0.35 or (index == len(answered) - 1 and not interested_any)):
            decision = "interested"
        elif r < 0.78 or not has_interest:
            decision = "declined"
        else:
            decision = "more_info"
        if decision == "interested":
            interested_any = True
            interested.append(invitation)
        at = _datetime(answered_on, 14)
        CentreResponse.objects.create(
            invitation=invitation,
            decision=decision,
            decline_reason=_weighted(rng, DECLINE_REASONS) if decision == "declined" else "",
            principal_investigator=rng.choice(PIS) if decision == "interested" else "",
            estimated_patients=rng.randrange(2, 12) if decision == "interested" else None,
            earliest_start=(
                _month_start(received + datetime.timedelta(days=rng.randrange(90, 200)))
                if decision == "interested"
                else None
            ),
            comments=rng.choice(INTEREST_COMMENTS) if decision == "interested" else "",
            responded_by=None,
            responded_at=at,
            first_responded_at=at,
        )
        counts["responses"] += 1

    # The daily job reminds a centre two working days before its deadline, unless it has answered.
    answered_on_by_invitation = {invitation.pk: answered_on for invitation, answered_on, _r in answered}
    for invitation in invitations:
        reminded_on = add_working_days(routed_on, 8, invitation.centre.nation)
        answered_on = answered_on_by_invitation.get(invitation.pk)
        if reminded_on <= today and (answered_on is None or answered_on > reminded_on):
            invitation.reminded_at = _datetime(reminded_on, 7)
            invitation.save(update_fields=["reminded_at"])

    # The office closes the round 3 to 15 working days after the last deadline: the summary goes to the
    # sponsor (or, now and then, the sponsor withdraws first). Only the last few weeks' requests circulate.
    last_deadline = max((i.deadline for i in invitations), default=routed_on)
    summary_on = add_working_days(last_deadline, 3 + int(summary_roll * 13))
    if summary_on > today:
        request.save(update_fields=["status"])
        return counts
    if summary_roll >= 0.95:
        request.status = "withdrawn"
        request.closed_on = summary_on
        request.outcome_notes = rng.choice(WITHDRAWN_NOTES)
        request.save(update_fields=["status", "closed_on", "outcome_notes"])
        return counts
    SponsorSummary.objects.create(
        request=request,
        sent_on=summary_on,
        sent_to=f"Clinical operations, {sponsor.name}",
        sent_by=owner,
        centres_consulted=len(invitations),
        centres_interested=len(interested),
    )
    counts["summaries"] += 1
    request.status = "summary_sent"

    # The sponsor decides three to ten weeks later.
    decided_on = summary_on + datetime.timedelta(days=21 + int(outcome_roll * 49))
    if decided_on <= today:
        if interested and outcome_roll < 0.5:
            request.status = "placed"
            selected = interested[: max(1, min(len(interested), int(outcome_roll * 8)))]
            names = [i.centre.name for i in selected]
            listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
            request.outcome_notes = f"The sponsor selected {listed}."
            for invitation in selected:
                counts["set-ups"] += _seed_setup(rng, request, invitation.centre, decided_on, today)
        elif outcome_roll < 0.93:
            request.status = "not_placed"
            request.outcome_notes = (
                rng.choice(NOT_PLACED_NOTES) if interested else "No centre in the network could take part."
            )
        else:
            request.status = "withdrawn"
            request.outcome_notes = rng.choice(WITHDRAWN_NOTES)
        request.closed_on = decided_on
    request.save(update_fields=["status", "closed_on", "outcome_notes"])
    return counts


def _seed_setup(rng, request, centre, selected_on, today) -> int:
    """One selected site; the study's single regulatory review is drawn with its first site."""
    if request.regulatory_submitted_on is None:
        request.advanced_therapy = request.modality in ("cell_therapy", "gene_therapy")
        submitted = selected_on + datetime.timedelta(days=rng.randrange(7, 30))
        approval_target = 90 if request.advanced_therapy else 60
        approved = submitted + datetime.timedelta(
            days=rng.randrange(25, approval_target)
            if rng.random() < 0.88
            else rng.randrange(approval_target, approval_target + 40)
        )
        request.regulatory_submitted_on = submitted if submitted <= today else None
        request.regulatory_approved_on = approved if approved <= today and request.regulatory_submitted_on else None
        request.save(update_fields=["advanced_therapy", "regulatory_submitted_on", "regulatory_approved_on"])
    approved = request.regulatory_approved_on
    opened = max(approved or today, selected_on) + datetime.timedelta(
        days=rng.randrange(15, 60) if rng.random() < 0.85 else rng.randrange(61, 110)
    )
    first = opened + datetime.timedelta(days=rng.randrange(5, 30) if rng.random() < 0.85 else rng.randrange(31, 60))
    setup, created = SiteSetUp.objects.get_or_create(
        request=request, centre=centre, defaults={"selected_on": selected_on}
    )
    setup.opened_on = opened if opened <= today and approved else None
    setup.first_participant_on = first if first <= today and setup.opened_on else None
    setup.save()
    return int(created)
