"""Seed the capability taxonomy: about ten areas, dozens of capabilities with stable dotted codes, modality rules.

The data lives here, not in an app module, so this migration always seeds the same thing. Codes are a
contract (matching, requests and the API name them): the Programme Office may rename a capability but
never change its code. update_or_create makes rerunning safe; reversing leaves the rows in place, as
centres' levels may already point at them.

Gene therapy has no rule on purpose: in vivo vectors need no JACIE unit, and ex vivo gene-modified
cells are requested as cell therapy, which does.
"""

from django.db import migrations

AREAS: list[tuple[str, str, list[tuple[str, str, dict]]]] = [
    (
        "Populations and networks",
        "Who the centre treats and which networks it belongs to. The four headline capabilities.",
        [
            ("adult", "Adult early-phase trials", {"description": "Runs early-phase trials in adults (18+)."}),
            (
                "paediatric",
                "Paediatric early-phase trials",
                {"description": "Runs early-phase trials in children and young people."},
            ),
            (
                "haematology",
                "Haematological malignancies",
                {"description": "Runs early-phase trials in blood cancers."},
            ),
            (
                "radiopharmaceutical",
                "Radiopharmaceutical trials",
                {"description": "Can deliver therapeutic radiopharmaceuticals under trial conditions."},
            ),
        ],
    ),
    (
        "Age groups",
        "Age bands the centre can recruit.",
        [
            ("population.infants", "Infants (under 2 years)", {}),
            ("population.children", "Children (2 to 12 years)", {}),
            ("population.adolescents", "Adolescents (13 to 17 years)", {}),
            ("population.tya", "Teenagers and young adults (16 to 24 years)", {}),
            ("population.older_adults", "Older adults (75 and over)", {}),
        ],
    ),
    (
        "Trial phases and designs",
        "The kinds of early-phase study the centre has run.",
        [
            ("design.phase_0", "Phase 0 / microdosing", {}),
            ("design.first_in_human", "First-in-human", {}),
            ("design.dose_escalation", "Dose escalation", {}),
            ("design.expansion", "Dose expansion cohorts", {}),
            ("design.basket_umbrella", "Basket and umbrella studies", {}),
            ("design.first_in_combination", "First-in-combination", {}),
            ("design.clinical_pharmacology", "Clinical pharmacology (food effect, DDI, QT)", {}),
            ("design.biomarker_driven", "Biomarker-driven cohorts", {}),
        ],
    ),
    (
        "Modality experience",
        "Classes of investigational product the centre has given in trials.",
        [
            ("modality.small_molecule", "Small molecules", {}),
            ("modality.antibody", "Monoclonal antibodies", {}),
            ("modality.adc", "Antibody-drug conjugates", {}),
            ("modality.bispecific", "Bispecifics and T-cell engagers", {}),
            ("modality.radioligand", "Radioligand therapy", {}),
            ("modality.cell_therapy", "Cell therapy (CAR-T, TIL, TCR)", {}),
            ("modality.gene_therapy", "Gene therapy", {}),
            ("modality.vaccine", "Cancer vaccines", {}),
            ("modality.oncolytic_virus", "Oncolytic viruses", {}),
        ],
    ),
    (
        "Tumour types",
        "Tumour types with recruiting expertise and referral pathways.",
        [
            (code, name, {"is_tumour_type": True})
            for code, name in [
                ("tumour.lung", "Lung"),
                ("tumour.breast", "Breast"),
                ("tumour.colorectal", "Colorectal"),
                ("tumour.prostate", "Prostate"),
                ("tumour.melanoma", "Melanoma and skin"),
                ("tumour.ovarian", "Ovarian"),
                ("tumour.gynae_other", "Other gynaecological"),
                ("tumour.pancreatic", "Pancreatic"),
                ("tumour.head_neck", "Head and neck"),
                ("tumour.brain", "Brain and CNS"),
                ("tumour.sarcoma", "Sarcoma"),
                ("tumour.renal", "Renal"),
                ("tumour.bladder", "Bladder and urothelial"),
                ("tumour.gastro_oesophageal", "Gastro-oesophageal"),
                ("tumour.hepatobiliary", "Hepatobiliary"),
                ("tumour.neuroendocrine", "Neuroendocrine"),
                ("tumour.mesothelioma", "Mesothelioma"),
                ("tumour.thyroid", "Thyroid"),
                ("tumour.leukaemia", "Leukaemia"),
                ("tumour.lymphoma", "Lymphoma"),
                ("tumour.myeloma", "Myeloma"),
                ("tumour.neuroblastoma", "Neuroblastoma"),
                ("tumour.paediatric_solid", "Paediatric solid tumours"),
            ]
        ],
    ),
    (
        "Haematology and cellular therapy",
        "Facilities for haematology trials and cellular therapies.",
        [
            ("haem.jacie", "JACIE accreditation", {"expires": True}),
            ("haem.apheresis", "Apheresis unit", {}),
            ("haem.cell_processing", "Cell processing facility", {}),
            (
                "haem.icu_neuro_support",
                "ICU and neurology support for CRS/ICANS",
                {"description": "Managing cytokine release syndrome and immune effector cell neurotoxicity."},
            ),
            ("haem.transplant", "Stem cell transplant programme", {}),
        ],
    ),
    (
        "Radiopharmaceuticals and imaging",
        "Licences, people and facilities for radiopharmaceutical trials.",
        [
            ("radio.arsac_licence", "ARSAC research licence", {"expires": True}),
            (
                "radio.arsac_practitioners",
                "ARSAC-licensed practitioners",
                {"has_quantity": True, "quantity_unit": "practitioners"},
            ),
            ("radio.radiopharmacy", "On-site radiopharmacy", {}),
            ("radio.pet_ct", "PET-CT", {}),
            ("radio.spect_ct", "SPECT-CT", {}),
            ("radio.dosimetry", "Dosimetry and medical physics", {}),
            (
                "radio.shielded_rooms",
                "Shielded in-patient rooms",
                {"has_quantity": True, "quantity_unit": "rooms"},
            ),
            ("radio.isotopes", "Therapeutic isotopes handled (Lu-177, Ac-225, ...)", {}),
        ],
    ),
    (
        "Phase I unit",
        "The clinical research facility where first-in-human doses are given.",
        [
            ("unit.mhra_phase1_accreditation", "MHRA Phase I accreditation", {"expires": True}),
            ("unit.beds", "Dedicated Phase I beds", {"has_quantity": True, "quantity_unit": "beds"}),
            ("unit.cover_24_7", "24/7 medical cover", {}),
            (
                "unit.minutes_to_icu",
                "Time to intensive care",
                {"has_quantity": True, "quantity_unit": "minutes"},
            ),
            ("unit.overnight_pk", "Overnight stays for PK sampling", {}),
            ("unit.sample_processing", "On-site sample processing", {}),
            ("unit.freezer_minus80", "-80 °C freezer storage with monitoring", {}),
            ("unit.aseptic_preparation", "Aseptic pharmacy preparation", {}),
        ],
    ),
    (
        "Translational research",
        "Biopsies, biomarkers and laboratories supporting translational endpoints.",
        [
            ("translational.fresh_biopsy", "Fresh tumour biopsies", {}),
            ("translational.serial_biopsy", "Serial (paired) biopsies", {}),
            ("translational.interventional_radiology", "Interventional radiology for research biopsies", {}),
            ("translational.ctdna", "Circulating tumour DNA", {}),
            ("translational.ngs", "Next-generation sequencing", {}),
            ("translational.gclp_lab", "GCLP-accredited laboratory", {}),
        ],
    ),
    (
        "Trial delivery",
        "How quickly and smoothly the centre sets up and runs trials.",
        [
            ("delivery.remote_monitoring", "Remote monitoring and eSource access", {}),
            ("delivery.decentralised", "Decentralised and home visits", {}),
            ("delivery.patient_travel", "Patient travel and accommodation support", {}),
            ("delivery.dedicated_setup_team", "Dedicated commercial set-up team", {}),
        ],
    ),
]

# modality → capability codes every request of that modality requires (DESIGN.md section 4).
MODALITY_RULES: list[tuple[str, str, str]] = [
    ("radioligand", "radiopharmaceutical", "Radioligand therapy needs a radiopharmaceutical-capable centre."),
    ("radioligand", "radio.arsac_licence", "Administering radioactive substances needs an ARSAC licence."),
    ("cell_therapy", "haem.jacie", "Cellular therapies are given in JACIE-accredited units."),
]



def seed_taxonomy(apps, schema_editor):
    CapabilityArea = apps.get_model("capabilities", "CapabilityArea")
    Capability = apps.get_model("capabilities", "Capability")
    ModalityRule = apps.get_model("capabilities", "ModalityRule")
    for area_order, (area_name, area_description, capabilities) in enumerate(AREAS, start=1):
        area, _ = CapabilityArea.objects.update_or_create(
            name=area_name, defaults={"description": area_description, "order": area_order * 10}
        )
        for order, (code, name, options) in enumerate(capabilities, start=1):
            Capability.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "area": area,
                    "order": order * 10,
                    "description": options.get("description", ""),
                    "has_quantity": options.get("has_quantity", False),
                    "quantity_unit": options.get("quantity_unit", ""),
                    "expires": options.get("expires", False),
                    "is_tumour_type": options.get("is_tumour_type", False),
                },
            )
    for modality, code, note in MODALITY_RULES:
        ModalityRule.objects.update_or_create(
            modality=modality, capability=Capability.objects.get(code=code), defaults={"note": note}
        )


class Migration(migrations.Migration):
    dependencies = [("capabilities", "0002_initial")]

    operations = [migrations.RunPython(seed_taxonomy, migrations.RunPython.noop)]
