"""Demo feasibility records: nearly three years of trial opportunities (growing), routed to matching centres, answered,
reported to sponsors, placed or not, with set-up dates mostly within the UK targets.

Deterministic (random.Random) and rerunnable: a request is identified by its reference and never duplicated.
Dates are in the past, so rows are written directly rather than through the services (which stamp "now").
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from capabilities.models import HAEMATOLOGICAL_TUMOUR_CODES, HAEMATOLOGY, Capability, Centre, ModalityRule
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
# Study designs a clinician finds plausible: each modality with a target and the tumour types it is studied in
# (BCMA in myeloma, CD19 CAR-T in lymphoma and ALL, 177Lu-PSMA in prostate cancer...). Weighted by how often
# such opportunities reach an early-phase network. (modality, target, tumour codes, setting, populations,
# weight). Tumour codes missing from an edited taxonomy are skipped.
ADULT, PAEDIATRIC, BOTH = ["adult"], ["paediatric"], ["adult", "paediatric"]
STUDY_DESIGNS = [
    (
        "small_molecule",
        "KRAS G12C",
        ["tumour.lung", "tumour.colorectal"],
        "KRAS G12C-mutant advanced solid tumours",
        ADULT,
        7,
    ),
    (
        "small_molecule",
        "PRMT5 (MTA-cooperative)",
        ["tumour.lung", "tumour.pancreatic"],
        "MTAP-deleted advanced solid tumours",
        ADULT,
        4,
    ),
    ("small_molecule", "FGFR2", ["tumour.hepatobiliary"], "FGFR2 fusion-positive cholangiocarcinoma", ADULT, 3),
    (
        "small_molecule",
        "menin",
        ["tumour.leukaemia"],
        "relapsed KMT2A-rearranged or NPM1-mutant acute leukaemia",
        BOTH,
        3,
    ),
    (
        "small_molecule",
        "BCL-2",
        ["tumour.lymphoma", "tumour.leukaemia"],
        "relapsed or refractory B-cell malignancies",
        ADULT,
        2,
    ),
    ("small_molecule", "ALK", ["tumour.neuroblastoma"], "relapsed ALK-altered neuroblastoma", PAEDIATRIC, 2),
    ("antibody", "PD-1 x LAG-3", ["tumour.melanoma"], "PD-1-refractory advanced melanoma", ADULT, 4),
    ("antibody", "CD47", ["tumour.leukaemia"], "higher-risk myelodysplastic syndromes and AML", ADULT, 2),
    (
        "antibody",
        "GD2",
        ["tumour.neuroblastoma", "tumour.paediatric_solid"],
        "relapsed high-risk neuroblastoma",
        PAEDIATRIC,
        2,
    ),
    (
        "adc",
        "TROP2",
        ["tumour.breast", "tumour.lung"],
        "previously treated metastatic breast and lung cancers",
        ADULT,
        5,
    ),
    (
        "adc",
        "HER2",
        ["tumour.gastro_oesophageal", "tumour.breast"],
        "HER2-expressing advanced gastro-oesophageal and breast cancers",
        ADULT,
        4,
    ),
    (
        "adc",
        "B7-H3",
        ["tumour.lung", "tumour.prostate"],
        "small-cell lung cancer and metastatic castration-resistant prostate cancer",
        ADULT,
        3,
    ),
    (
        "adc",
        "CLDN18.2",
        ["tumour.gastro_oesophageal", "tumour.pancreatic"],
        "CLDN18.2-positive gastro-oesophageal and pancreatic cancers",
        ADULT,
        3,
    ),
    ("adc", "CD19", ["tumour.lymphoma"], "relapsed or refractory diffuse large B-cell lymphoma", ADULT, 2),
    (
        "bispecific",
        "DLL3 x CD3",
        ["tumour.lung", "tumour.neuroendocrine"],
        "extensive-stage small-cell lung cancer and DLL3-positive neuroendocrine carcinomas",
        ADULT,
        4,
    ),
    ("bispecific", "BCMA x CD3", ["tumour.myeloma"], "relapsed or refractory multiple myeloma", ADULT, 4),
    ("bispecific", "CD20 x CD3", ["tumour.lymphoma"], "relapsed or refractory B-cell non-Hodgkin lymphoma", ADULT, 3),
    ("bispecific", "GPRC5D x CD3", ["tumour.myeloma"], "triple-class-exposed multiple myeloma", ADULT, 2),
    ("radioligand", "PSMA (177Lu)", ["tumour.prostate"], "metastatic castration-resistant prostate cancer", ADULT, 4),
    (
        "radioligand",
        "SSTR2 (177Lu)",
        ["tumour.neuroendocrine"],
        "somatostatin receptor-positive neuroendocrine tumours",
        ADULT,
        2,
    ),
    (
        "radioligand",
        "FAP (225Ac)",
        ["tumour.pancreatic", "tumour.sarcoma"],
        "FAP-expressing advanced solid tumours",
        ADULT,
        2,
    ),
    (
        "cell_therapy",
        "CD19",
        ["tumour.lymphoma", "tumour.leukaemia"],
        "relapsed or refractory B-cell lymphoma and B-ALL",
        BOTH,
        3,
    ),
    ("cell_therapy", "BCMA", ["tumour.myeloma"], "relapsed or refractory multiple myeloma", ADULT, 3),
    (
        "cell_therapy",
        "GD2",
        ["tumour.neuroblastoma", "tumour.brain"],
        "relapsed neuroblastoma and diffuse midline glioma",
        PAEDIATRIC,
        2,
    ),
    ("cell_therapy", "MAGE-A4 (TCR-T)", ["tumour.sarcoma"], "MAGE-A4-positive synovial sarcoma", ADULT, 1),
    (
        "gene_therapy",
        "IL-12",
        ["tumour.melanoma", "tumour.head_neck"],
        "injectable advanced melanoma and head and neck cancer",
        ADULT,
        2,
    ),
    ("vaccine", "neoantigen", ["tumour.melanoma", "tumour.lung"], "resected high-risk melanoma and NSCLC", ADULT, 3),
    (
        "oncolytic_virus",
        "HSV-1",
        ["tumour.melanoma", "tumour.head_neck"],
        "injectable advanced solid tumours",
        ADULT,
        2,
    ),
    (
        "other",
        "cereblon (molecular glue)",
        ["tumour.myeloma", "tumour.lymphoma"],
        "relapsed myeloma and lymphoma",
        ADULT,
        2,
    ),
]
DESIGNS = {
    "small_molecule": "oral {target} inhibitor",
    "antibody": "anti-{target} monoclonal antibody",
    "adc": "{target}-directed antibody-drug conjugate",
    "bispecific": "{target} bispecific T-cell engager",
    "radioligand": "{target}-targeted radioligand therapy",
    "cell_therapy": "autologous {target} CAR-T cell therapy",
    "gene_therapy": "intratumoural {target} gene therapy",
    "vaccine": "personalised {target} mRNA vaccine",
    "oncolytic_virus": "{target} oncolytic virus",
    "other": "{target} degrader",
}
# Most opportunities are commercial; some are industry-funded with an academic sponsor (collaborative) or academic.
FUNDING = [("commercial", 82), ("collaborative", 12), ("non_commercial", 6)]
PHASES = [("phase_1", 60), ("phase_1_2", 25), ("phase_0", 5), ("phase_2", 10)]
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
    """Industry sponsors: companies bring commercial (and fund collaborative) studies."""
    sponsors = list(Organisation.objects.filter(merged_into__isnull=True).industry())
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
    academics = list(
        Organisation.objects.filter(merged_into__isnull=True, kind__in=["academic", "nhs", "charity"]).order_by("name")
    )
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
                academics=academics,
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


def _seed_request(rng, *, reference, received, today, sponsors, academics, office, tumours, common, others, capabilities, rules,
                  profiles, any_profile, centre_list, by_id) -> dict[str, int]:  # fmt: skip
    counts = {"requests": 0, "invitations": 0, "responses": 0, "summaries": 0, "set-ups": 0}
    # Draw every random choice even for an existing request, so reruns stay in step.
    modality, target, tumour_codes, setting, populations, _weight = _weighted(
        rng, [(design, design[-1]) for design in STUDY_DESIGNS]
    )
    funding = _weighted(rng, FUNDING)
    phase = _weighted(rng, PHASES)
    asset = f"{rng.choice(ASSET_PREFIXES)}-{rng.randrange(100, 990)}"
    design = DESIGNS[modality].format(target=target)
    article = "an" if design[0].lower() in "aeiou" else "a"
    kind = "First-in-human" if phase in ("phase_0", "phase_1") else "Phase I/II"
    title = f"{kind} study of {asset}, {article} {design}, in {setting}"
    tumour_codes = [code for code in tumour_codes if code in tumours]
    haematological = any(code in HAEMATOLOGICAL_TUMOUR_CODES for code in tumour_codes)
    required = rng.sample(common, k=min(len(common), rng.choice([0, 1, 1, 2])))
    if haematological and HAEMATOLOGY in capabilities and rng.random() < 0.5:
        required = [HAEMATOLOGY, *[c for c in required if c != HAEMATOLOGY]]
    preferred = [c for c in rng.sample(others, k=min(len(others), rng.choice([0, 1, 2, 3]))) if c not in required]
    sponsor = rng.choice(sponsors)
    academic_sponsor = rng.choice(academics) if academics else sponsor
    if funding != "commercial":
        # Collaborative: industry-funded with an academic or NHS sponsor; non-commercial: academic throughout.
        sponsor = academic_sponsor
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
        funding=funding,
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
    # The national costing review and the contract run alongside approval and often hold the opening up.
    costing = selected_on + datetime.timedelta(days=rng.randrange(10, 40))
    contract = selected_on + datetime.timedelta(days=rng.randrange(20, 55))
    setup, created = SiteSetUp.objects.get_or_create(
        request=request, centre=centre, defaults={"selected_on": selected_on}
    )
    setup.opened_on = opened if opened <= today and approved else None
    if setup.opened_on:
        costing, contract = min(costing, opened), min(contract, opened)
    setup.costing_agreed_on = costing if costing <= today else None
    setup.contract_signed_on = contract if contract <= today else None
    setup.first_participant_on = first if first <= today and setup.opened_on else None
    # Recruitment to date: about one participant a month since the first, a little faster at busy sites.
    months = (today - setup.first_participant_on).days // 30 if setup.first_participant_on else -1
    setup.participants = months + 1 + rng.randrange(0, 3) if months >= 0 else 0
    setup.save()
    return int(created)
