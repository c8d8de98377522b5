"""Migration 0003 seeds the capability taxonomy: headline codes, areas, flags, modality rules; rerunnable."""

import importlib

import pytest
from django.apps import apps

from capabilities.models import Capability, CapabilityArea, ModalityRule

pytestmark = pytest.mark.django_db

taxonomy = importlib.import_module("capabilities.migrations.0003_taxonomy")


def test_it_seeds_the_four_headline_capabilities_in_one_area(db):
    headline = Capability.objects.filter(code__in=["adult", "paediatric", "haematology", "radiopharmaceutical"])
    assert headline.count() == 4
    assert {c.area.name for c in headline} == {"Populations and networks"}


def test_it_seeds_about_ten_areas_and_dozens_of_capabilities(db):
    assert 8 <= CapabilityArea.objects.count() <= 12
    assert Capability.objects.count() >= 60
    assert all(area.capabilities.exists() for area in CapabilityArea.objects.all())


def test_it_seeds_the_codes_other_apps_name(db):
    expected = {
        "population.infants", "population.children", "population.tya", "population.older_adults",
        "design.first_in_human", "design.dose_escalation", "design.expansion", "design.basket_umbrella",
        "design.first_in_combination", "design.clinical_pharmacology",
        "modality.small_molecule", "modality.antibody", "modality.adc", "modality.bispecific",
        "modality.radioligand", "modality.cell_therapy", "modality.gene_therapy", "modality.vaccine",
        "modality.oncolytic_virus",
        "haem.jacie", "haem.apheresis", "haem.cell_processing", "haem.icu_neuro_support",
        "radio.arsac_licence", "radio.arsac_practitioners", "radio.radiopharmacy", "radio.pet_ct",
        "radio.spect_ct", "radio.dosimetry", "radio.shielded_rooms", "radio.isotopes",
        "unit.mhra_phase1_accreditation", "unit.beds", "unit.cover_24_7", "unit.minutes_to_icu",
        "unit.overnight_pk", "unit.sample_processing", "unit.freezer_minus80", "unit.aseptic_preparation",
        "translational.fresh_biopsy", "translational.serial_biopsy", "translational.interventional_radiology",
        "translational.ctdna", "translational.ngs", "translational.gclp_lab",
    }  # fmt: skip
    assert expected <= set(Capability.objects.values_list("code", flat=True))


def test_it_marks_tumour_types_and_only_them(db):
    tumours = set(Capability.objects.filter(is_tumour_type=True).values_list("code", flat=True))
    for code in ["tumour.lung", "tumour.breast", "tumour.leukaemia", "tumour.neuroblastoma", "tumour.paediatric_solid"]:
        assert code in tumours
    assert all(code.startswith("tumour.") for code in tumours)


def test_it_marks_licences_as_expiring_and_counts_as_quantities(db):
    by_code = {c.code: c for c in Capability.objects.all()}
    assert by_code["haem.jacie"].expires
    assert by_code["radio.arsac_licence"].expires
    assert by_code["unit.mhra_phase1_accreditation"].expires
    assert not by_code["radio.pet_ct"].expires
    assert by_code["unit.beds"].has_quantity and by_code["unit.beds"].quantity_unit == "beds"
    assert by_code["unit.minutes_to_icu"].quantity_unit == "minutes"
    assert by_code["radio.shielded_rooms"].has_quantity
    assert by_code["radio.arsac_practitioners"].has_quantity
    assert not by_code["adult"].has_quantity


def test_it_seeds_modality_rules(db):
    rules = {(r.modality, r.capability.code) for r in ModalityRule.objects.select_related("capability")}
    assert ("radioligand", "radiopharmaceutical") in rules
    assert ("radioligand", "radio.arsac_licence") in rules
    assert ("cell_therapy", "haem.jacie") in rules


def test_it_reruns_without_duplicates(db):
    before = (CapabilityArea.objects.count(), Capability.objects.count(), ModalityRule.objects.count())
    taxonomy.seed_taxonomy(apps, None)
    taxonomy.seed_taxonomy(apps, None)
    assert (CapabilityArea.objects.count(), Capability.objects.count(), ModalityRule.objects.count()) == before


def test_it_has_valid_codes(db):
    capabilities = list(Capability.objects.all())
    assert capabilities, "the data migration seeds the taxonomy"
    for capability in capabilities:
        capability.full_clean()  # raises on a code that is not a dotted slug


def test_it_marks_every_haematological_malignancy_mds_mpn_included(db):
    """DESIGN.md section 3: leukaemias, lymphomas, myeloma and MDS/MPN are haematological; solid tumours are not."""
    haematological = set(Capability.objects.filter(haematological=True).values_list("code", flat=True))
    assert haematological == {"tumour.leukaemia", "tumour.lymphoma", "tumour.myeloma", "tumour.mds_mpn"}
    mds = Capability.objects.get(code="tumour.mds_mpn")
    assert mds.is_tumour_type and "MDS" in mds.synonyms
