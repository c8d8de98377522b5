"""Demo network: the centres of a fictional-but-plausible ECMC-like network (named after their cities)."""

from capabilities.models import Centre, Nation

ADULT_CENTRES = [
    ("Belfast", Nation.NORTHERN_IRELAND, "Queen's University Belfast"),
    ("Birmingham", Nation.ENGLAND, "University of Birmingham"),
    ("Bristol", Nation.ENGLAND, "University of Bristol"),
    ("Cambridge", Nation.ENGLAND, "University of Cambridge"),
    ("Cardiff", Nation.WALES, "Cardiff University"),
    ("Edinburgh", Nation.SCOTLAND, "University of Edinburgh"),
    ("Glasgow", Nation.SCOTLAND, "University of Glasgow"),
    ("Leeds", Nation.ENGLAND, "University of Leeds"),
    ("Leicester", Nation.ENGLAND, "University of Leicester"),
    ("Liverpool", Nation.ENGLAND, "University of Liverpool"),
    ("London Barts", Nation.ENGLAND, "Queen Mary University of London"),
    ("London Imperial", Nation.ENGLAND, "Imperial College London"),
    ("London King's", Nation.ENGLAND, "King's College London"),
    ("London UCL", Nation.ENGLAND, "University College London"),
    ("Manchester", Nation.ENGLAND, "University of Manchester"),
    ("Newcastle", Nation.ENGLAND, "Newcastle University"),
    ("Oxford", Nation.ENGLAND, "University of Oxford"),
]

PAEDIATRIC_CENTRES = [
    ("Birmingham", Nation.ENGLAND, "Birmingham Children's Hospital"),
    ("Bristol", Nation.ENGLAND, "Bristol Royal Hospital for Children"),
    ("Cambridge", Nation.ENGLAND, "Cambridge University Hospitals"),
    ("Glasgow", Nation.SCOTLAND, "Royal Hospital for Children, Glasgow"),
    ("Leeds", Nation.ENGLAND, "Leeds Children's Hospital"),
    ("Liverpool", Nation.ENGLAND, "Alder Hey Children's Hospital"),
    ("London Great Ormond Street", Nation.ENGLAND, "Great Ormond Street Hospital"),
    ("London Royal Marsden", Nation.ENGLAND, "The Royal Marsden"),
    ("Manchester", Nation.ENGLAND, "Royal Manchester Children's Hospital"),
    ("Newcastle", Nation.ENGLAND, "Great North Children's Hospital"),
    ("Nottingham", Nation.ENGLAND, "Nottingham Children's Hospital"),
    ("Southampton", Nation.ENGLAND, "Southampton Children's Hospital"),
]


def _slug(city: str) -> str:
    return city.lower().replace("'", "").replace(" ", "-")


def centre_rows() -> list[dict]:
    rows = []
    for city, nation, institution in ADULT_CENTRES:
        town = city.split(" ")[0]
        rows.append(
            {
                "code": _slug(city),
                "name": f"{city} ECMC",
                "institution": institution,
                "nation": nation,
                "city": town,
                "email": f"ecmc.{_slug(city)}@example.nhs.uk",
            }
        )
    for city, nation, institution in PAEDIATRIC_CENTRES:
        town = city.split(" ")[0]
        rows.append(
            {
                "code": f"{_slug(city)}-paed",
                "name": f"{city} Paediatric ECMC",
                "institution": institution,
                "nation": nation,
                "city": town,
                "email": f"paed.{_slug(city)}@example.nhs.uk",
            }
        )
    return rows


def seed_centres() -> dict[str, Centre]:
    """Create or update the demo centres; rerunning changes nothing."""
    centres = {}
    for row in centre_rows():
        code = row.pop("code")
        centre, _ = Centre.objects.update_or_create(code=code, defaults=row)
        centres[code] = centre
    return centres


# Capability profiles --------------------------------------------------------------------------------------

HAEMATOLOGY_CENTRES = {  # adult centres with a haematology programme: code → days until JACIE expires
    "birmingham": 610,
    "leeds": 45,  # expiring within 90 days: shows the warning
    "london-ucl": 900,
    "london-kings": 400,
    "manchester": 700,
    "newcastle": 250,
    "oxford": -40,  # expired last month: matching counts it as absent until renewed
    "london-great-ormond-street-paed": 520,
}
# Centres with a radiopharmacy and an ARSAC research licence, as the real ones: UCLH (mIBG therapy for Great
# Ormond Street's children), the Royal Marsden, the Christie, Addenbrooke's, the Beatson, Guy's, the Queen
# Elizabeth in Birmingham and the Freeman in Newcastle. code → days until the ARSAC licence expires.
RADIOPHARMACEUTICAL_CENTRES = {
    "birmingham": 640,
    "cambridge": 1200,
    "glasgow": -120,  # the licence lapsed: a renewal is pending
    "london-kings": 60,  # expiring soon: limited for a trial starting after it
    "london-ucl": 1100,
    "london-royal-marsden-paed": 880,
    "manchester": 950,
    "newcastle": 420,
}
# Paediatric units and the adult centre on their campus: the child draws on the adult centre's radiopharmacy,
# intensive care and licences, as UK paediatric early-phase units do for radioligand and cellular therapies.
# (The Royal Marsden's adult unit is not in the demo network; its paediatric unit holds its own licence.)
PARTNERS = [
    ("london-great-ormond-street-paed", "london-ucl"),
    ("birmingham-paed", "birmingham"),
    ("bristol-paed", "bristol"),
    ("cambridge-paed", "cambridge"),
    ("glasgow-paed", "glasgow"),
    ("leeds-paed", "leeds"),
    ("manchester-paed", "manchester"),
    ("newcastle-paed", "newcastle"),
]
STALE_CENTRES = {"belfast", "leicester", "nottingham-paed"}  # last confirmed over a year ago

ADULT_TUMOURS = [
    "tumour.lung", "tumour.breast", "tumour.colorectal", "tumour.prostate", "tumour.melanoma", "tumour.ovarian",
    "tumour.gynae_other", "tumour.pancreatic", "tumour.head_neck", "tumour.brain", "tumour.sarcoma", "tumour.renal",
    "tumour.bladder", "tumour.gastro_oesophageal", "tumour.hepatobiliary", "tumour.neuroendocrine",
    "tumour.mesothelioma", "tumour.thyroid",
]  # fmt: skip
PAEDIATRIC_TUMOURS = ["tumour.neuroblastoma", "tumour.paediatric_solid", "tumour.brain", "tumour.sarcoma"]
ADULT_COMMON = [
    "design.first_in_human", "design.dose_escalation", "design.expansion", "design.first_in_combination",
    "design.basket_umbrella", "design.biomarker_driven", "modality.small_molecule", "modality.antibody",
    "modality.adc", "modality.bispecific", "unit.cover_24_7", "unit.overnight_pk", "unit.sample_processing",
    "unit.freezer_minus80", "unit.aseptic_preparation", "translational.fresh_biopsy", "translational.serial_biopsy",
    "translational.interventional_radiology", "translational.ctdna", "translational.ngs",
    "delivery.dedicated_setup_team", "delivery.remote_monitoring",
]  # fmt: skip
ADULT_SOMETIMES = [
    "design.clinical_pharmacology", "design.phase_0", "modality.vaccine", "modality.oncolytic_virus",
    "modality.gene_therapy", "translational.gclp_lab", "population.older_adults", "population.tya",
    "delivery.decentralised", "delivery.patient_travel",
]  # fmt: skip
PAEDIATRIC_COMMON = [
    "population.infants", "population.children", "population.adolescents", "population.tya",
    "design.first_in_human", "design.dose_escalation", "modality.small_molecule", "modality.antibody",
    "unit.cover_24_7", "unit.sample_processing", "unit.freezer_minus80", "translational.ngs",
    "delivery.patient_travel",
]  # fmt: skip
PAEDIATRIC_SOMETIMES = [
    "design.expansion", "design.basket_umbrella", "modality.adc", "modality.bispecific", "modality.cell_therapy",
    "translational.fresh_biopsy", "translational.ctdna", "unit.overnight_pk", "unit.aseptic_preparation",
]  # fmt: skip
CORE = {
    "design.first_in_human",
    "design.dose_escalation",
    "modality.small_molecule",
    "modality.antibody",
    "unit.cover_24_7",
}
NOTES = {
    "adult": "All solid tumours; referral network across the region.",
    "paediatric": "Children and young people up to 18, with TYA unit links.",
    "unit.beds": "Dedicated clinical research facility beds.",
    "unit.minutes_to_icu": "Measured door to door from the Phase I unit.",
    "haem.icu_neuro_support": "ICU outreach and neurology on call for CRS/ICANS.",
    "radio.isotopes": "Lu-177 routinely; Ac-225 under the research licence.",
}


def _profile(code: str, rng) -> dict[str, dict]:
    """What one demo centre records: capability code → level fields (before dates are set)."""
    paediatric = code.endswith("-paed")
    rows: dict[str, dict] = {}

    def add(capability_code, level="available", **extra):
        rows[capability_code] = {"level": level, **extra}

    def varied():
        roll = rng.random()
        return "planned" if roll < 0.04 else "limited" if roll < 0.16 else "available"

    if paediatric:
        add("paediatric")
        for c in PAEDIATRIC_COMMON:
            add(c, varied())
        for c in rng.sample(PAEDIATRIC_SOMETIMES, 4):
            add(c, varied())
        for c in PAEDIATRIC_TUMOURS + ["tumour.leukaemia", "tumour.lymphoma"]:
            add(c, varied())
        add("unit.beds", quantity=rng.randint(2, 6))
        add("unit.minutes_to_icu", quantity=rng.randint(2, 10))
    else:
        add("adult")
        for c in ADULT_COMMON:
            add(c, "available" if c in CORE else varied())
        for c in rng.sample(ADULT_SOMETIMES, 5):
            add(c, varied())
        for c in rng.sample(ADULT_TUMOURS, rng.randint(7, 13)):
            add(c, varied())
        add("unit.beds", quantity=rng.randint(4, 20))
        add("unit.minutes_to_icu", quantity=rng.choice([3, 5, 5, 8, 10, 15, 20]))
        if rng.random() < 0.7:
            add("unit.mhra_phase1_accreditation", expires_days=rng.randint(120, 1000))
    if code in HAEMATOLOGY_CENTRES:
        add("haematology")
        add("haem.jacie", expires_days=HAEMATOLOGY_CENTRES[code], evidence=f"JACIE-{rng.randint(100, 999)}")
        for c in ("haem.apheresis", "haem.cell_processing", "haem.icu_neuro_support", "haem.transplant"):
            add(c)
        for c in ("tumour.leukaemia", "tumour.lymphoma", "tumour.myeloma"):
            add(c)
        add("modality.cell_therapy", varied())
    elif not paediatric and rng.random() < 0.4:
        add("haematology", "planned")
    if code in RADIOPHARMACEUTICAL_CENTRES:
        add("radiopharmaceutical", "limited" if code == "glasgow" else "available")
        add(
            "radio.arsac_licence",
            expires_days=RADIOPHARMACEUTICAL_CENTRES[code],
            evidence=f"ARSAC-{rng.randint(10000, 99999)}",
        )
        add("radio.arsac_practitioners", quantity=rng.randint(2, 6))
        add("radio.shielded_rooms", quantity=rng.randint(1, 4))
        for c in ("radio.radiopharmacy", "radio.pet_ct", "radio.spect_ct", "radio.dosimetry", "radio.isotopes"):
            add(c, varied())
        add("modality.radioligand")
    elif not paediatric:
        add("radio.pet_ct")
        if rng.random() < 0.3:
            add("radiopharmaceutical", "planned")
    return rows


def seed(*, users, centres) -> dict[str, int]:
    """Plausible capability profiles for every demo centre. Deterministic; rerunning changes nothing
    that is already there (a centre's own edits survive a reseed)."""
    import datetime
    import random

    from django.utils import timezone

    from capabilities.models import Capability, CentreCapability

    today = timezone.localdate()
    capabilities = {c.code: c for c in Capability.objects.all()}
    fallback = users.get("alice")
    created = 0
    for code, centre in sorted(centres.items()):
        rng = random.Random(f"epoch-capabilities-{code}")
        members = list(centre.members.order_by("username"))
        confirmer = members[0] if members else fallback
        for capability_code, fields in _profile(code, rng).items():
            capability = capabilities.get(capability_code)
            if capability is None:
                continue  # the taxonomy was edited: leave that capability out
            if code in STALE_CENTRES:
                confirmed_on = today - datetime.timedelta(days=rng.randint(380, 700))
            elif rng.random() < 0.015:
                confirmed_on = today - datetime.timedelta(days=rng.randint(370, 500))
            else:
                confirmed_on = today - datetime.timedelta(days=rng.randint(5, 330))
            expires_days = fields.pop("expires_days", None)
            defaults = {
                **fields,
                "notes": NOTES.get(capability_code, ""),
                "expires_on": today + datetime.timedelta(days=expires_days) if expires_days else None,
                "confirmed_on": confirmed_on,
                "confirmed_by": confirmer,
            }
            _, was_created = CentreCapability.objects.get_or_create(
                centre=centre, capability=capability, defaults=defaults
            )
            created += was_created
    return {
        "capability levels": CentreCapability.objects.filter(centre__in=centres.values()).count(),
        "new levels": created,
        "partnerships": seed_partners(centres, actor=fallback),
    }


def seed_partners(centres: dict[str, Centre], actor=None) -> int:
    """Pair each paediatric unit with the adult centre on its campus, unless the office already named partners."""
    made = 0
    for child, adult in PARTNERS:
        if child in centres and adult in centres and not centres[child].partners.exists():
            centres[child]._history_user = actor
            centres[child].partners.add(centres[adult])
            made += 1
    return made
