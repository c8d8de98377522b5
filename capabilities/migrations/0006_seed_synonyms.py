"""Seed the words sponsors use for the taxonomy's capabilities, so a synopsis can fill the request form.

Abbreviations are kept in their usual case ("NSCLC", "ctDNA"): synopsis extraction matches a word with
capitals inside it case-sensitively, so "ALL" (the leukaemia) is not "all". The Programme Office edits
these on the taxonomy pages; this migration only adds words to a capability that has none yet, so
rerunning it never overwrites the office's edits. Reversing leaves the words in place.
"""

from django.db import migrations

SYNONYMS: dict[str, list[str]] = {
    # Populations and networks
    "adult": ["adults", "adult patients", "≥18 years", "18 years or older", "18 years and older", "aged 18"],
    "paediatric": ["paediatric", "pediatric", "children", "child", "adolescents", "<18 years", "under 18", "infants"],
    "haematology": ["haematological malignancies", "hematologic malignancies", "blood cancers"],
    "radiopharmaceutical": ["radiopharmaceutical therapy"],
    # Trial design
    "design.phase_0": ["microdosing", "phase 0"],
    "design.first_in_human": ["FIH", "first-in-human", "first in human", "first-in-man", "FTIH"],
    "design.dose_escalation": ["dose escalation", "dose-escalation", "RP2D", "MTD", "3+3", "BOIN"],
    "design.expansion": ["expansion cohort", "expansion cohorts", "dose expansion", "dose-expansion"],
    "design.basket_umbrella": ["basket study", "basket trial", "umbrella study", "tumour-agnostic", "tumor-agnostic"],
    "design.first_in_combination": ["first-in-combination", "first in combination"],
    "design.clinical_pharmacology": ["food effect", "drug-drug interaction", "DDI", "QTc", "thorough QT"],
    "design.biomarker_driven": ["biomarker-selected", "biomarker-defined", "biomarker-positive"],
    # Modalities
    "modality.small_molecule": ["small molecule", "small-molecule", "oral inhibitor", "kinase inhibitor", "TKI"],
    "modality.antibody": ["monoclonal antibody", "mAb", "antibody", "checkpoint inhibitor"],
    "modality.adc": ["ADC", "antibody-drug conjugate", "antibody drug conjugate"],
    "modality.bispecific": ["bispecific", "T-cell engager", "TCE", "BiTE", "bispecific antibody"],
    "modality.radioligand": [
        "radioligand",
        "RLT",
        "177Lu",
        "Lu-177",
        "lutetium",
        "225Ac",
        "Ac-225",
        "actinium",
        "radiolabelled",
        "radiolabeled",
    ],
    "modality.cell_therapy": ["CAR-T", "CAR T", "CAR-NK", "TIL therapy", "TCR-T", "cell therapy", "autologous T cells"],
    "modality.gene_therapy": ["gene therapy", "AAV", "gene transfer"],
    "modality.vaccine": ["vaccine", "neoantigen", "mRNA vaccine"],
    "modality.oncolytic_virus": ["oncolytic", "oncolytic virus", "oncolytic HSV"],
    # Tumour types
    "tumour.lung": ["NSCLC", "SCLC", "non-small cell lung", "small cell lung", "lung cancer"],
    "tumour.breast": ["TNBC", "breast cancer", "HER2-positive breast", "HR+ breast"],
    "tumour.colorectal": ["CRC", "mCRC", "colorectal cancer", "colon cancer", "rectal cancer"],
    "tumour.prostate": ["mCRPC", "CRPC", "prostate cancer", "castration-resistant prostate"],
    "tumour.melanoma": ["melanoma", "uveal melanoma", "cSCC", "cutaneous squamous cell carcinoma"],
    "tumour.ovarian": ["HGSOC", "ovarian cancer", "high-grade serous"],
    "tumour.gynae_other": ["endometrial", "cervical cancer", "uterine"],
    "tumour.pancreatic": ["PDAC", "pancreatic cancer", "pancreatic ductal adenocarcinoma"],
    "tumour.head_neck": ["HNSCC", "SCCHN", "head and neck squamous", "head and neck cancer"],
    "tumour.brain": ["glioblastoma", "GBM", "glioma", "DIPG", "DMG", "medulloblastoma"],
    "tumour.sarcoma": ["soft tissue sarcoma", "osteosarcoma", "Ewing sarcoma", "STS"],
    "tumour.renal": ["RCC", "ccRCC", "renal cell carcinoma"],
    "tumour.bladder": ["urothelial", "mUC", "bladder cancer"],
    "tumour.gastro_oesophageal": ["gastric", "oesophageal", "esophageal", "GEJ", "gastro-oesophageal junction"],
    "tumour.hepatobiliary": ["HCC", "hepatocellular", "cholangiocarcinoma", "biliary tract cancer", "BTC"],
    "tumour.neuroendocrine": ["NET", "NETs", "GEP-NET", "GEP-NETs", "neuroendocrine tumours", "neuroendocrine tumors"],
    "tumour.mesothelioma": ["MPM", "pleural mesothelioma"],
    "tumour.thyroid": ["thyroid cancer", "DTC", "anaplastic thyroid"],
    "tumour.leukaemia": ["AML", "ALL", "CLL", "CML", "leukemia", "acute myeloid leukaemia"],
    "tumour.lymphoma": ["DLBCL", "NHL", "follicular lymphoma", "Hodgkin", "mantle cell lymphoma", "LBCL"],
    "tumour.myeloma": ["multiple myeloma", "RRMM", "MM"],
    "tumour.neuroblastoma": ["high-risk neuroblastoma"],
    "tumour.paediatric_solid": ["rhabdomyosarcoma", "Wilms tumour", "paediatric solid tumours"],
    # Haematology
    "haem.jacie": ["JACIE", "FACT-JACIE"],
    "haem.apheresis": ["apheresis", "leukapheresis"],
    "haem.cell_processing": ["cell processing", "cell-processing"],
    "haem.transplant": ["stem cell transplant", "HSCT", "allogeneic transplant", "BMT"],
    # Radiopharmaceuticals
    "radio.arsac_licence": ["ARSAC", "ARSAC licence", "ARSAC license"],
    "radio.radiopharmacy": ["radiopharmacy"],
    "radio.pet_ct": ["PET-CT", "PET/CT", "PSMA PET", "FDG-PET"],
    "radio.spect_ct": ["SPECT-CT", "SPECT/CT", "SPECT"],
    "radio.dosimetry": ["dosimetry"],
    "radio.isotopes": ["177Lu", "Lu-177", "lutetium-177", "225Ac", "Ac-225"],
    # Phase I unit
    "unit.mhra_phase1_accreditation": ["MHRA Phase I accreditation", "MHRA-accredited", "MHRA accredited"],
    "unit.beds": ["Phase I beds", "phase 1 beds", "dedicated beds", "inpatient beds"],
    "unit.cover_24_7": ["24/7 medical cover", "24-hour medical cover", "24/7 cover", "round-the-clock"],
    "unit.overnight_pk": ["overnight PK", "overnight stay", "overnight stays", "24-hour PK"],
    "unit.sample_processing": ["sample processing", "PK sample processing", "centrifuge"],
    "unit.freezer_minus80": ["-80 °C", "−80 °C", "-80°C", "−80°C", "-80C", "minus 80"],
    "unit.aseptic_preparation": ["aseptic", "aseptic preparation", "pharmacy aseptic unit"],
    # Translational
    "translational.fresh_biopsy": ["fresh biopsy", "fresh tumour biopsy", "fresh tumor biopsy", "fresh biopsies"],
    "translational.serial_biopsy": ["paired biopsies", "serial biopsies", "on-treatment biopsy", "paired biopsy"],
    "translational.interventional_radiology": ["interventional radiology", "image-guided biopsy", "IR-guided"],
    "translational.ctdna": ["ctDNA", "liquid biopsy", "cell-free DNA", "cfDNA"],
    "translational.ngs": ["NGS", "next-generation sequencing", "genomic profiling"],
    "translational.gclp_lab": ["GCLP"],
    # Delivery
    "delivery.remote_monitoring": ["remote monitoring", "eSource", "remote SDV", "remote source data verification"],
    "delivery.decentralised": ["home visits", "decentralised", "decentralized", "home nursing"],
    "delivery.patient_travel": ["travel support", "patient travel", "accommodation"],
    "delivery.dedicated_setup_team": ["set-up team", "setup team", "commercial set-up"],
}


def seed_synonyms(apps, schema_editor):
    Capability = apps.get_model("capabilities", "Capability")
    for capability in Capability.objects.filter(code__in=SYNONYMS):
        if not capability.synonyms:
            capability.synonyms = SYNONYMS[capability.code]
            capability.save(update_fields=["synonyms"])


class Migration(migrations.Migration):
    dependencies = [("capabilities", "0005_capability_synonyms")]

    operations = [migrations.RunPython(seed_synonyms, migrations.RunPython.noop)]
