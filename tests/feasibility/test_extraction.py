"""The rules of synopsis extraction, case by case, without a database (feasibility/extraction.py is pure)."""

import datetime

import pytest

from feasibility.extraction import Term, extract, score

TAXONOMY = [
    Term("adult", "Adult early-phase trials", ("adults",)),
    Term("paediatric", "Paediatric early-phase trials", ("paediatric", "children")),
    Term("tumour.lung", "Lung", ("NSCLC",), is_tumour_type=True),
    Term("tumour.renal", "Renal", ("RCC",), is_tumour_type=True),
    Term("tumour.brain", "Brain and CNS", ("glioma",), is_tumour_type=True),
    Term("tumour.leukaemia", "Leukaemia", ("ALL", "AML"), is_tumour_type=True),
    Term("design.first_in_human", "First-in-human", ("FIH",)),
    Term("radio.pet_ct", "PET-CT", ("PET/CT",)),
    Term("radio.isotopes", "Therapeutic isotopes handled (Lu-177, Ac-225, ...)", ("177Lu",)),
    Term("modality.radioligand", "Radioligand therapy", ("177Lu", "lutetium")),
    Term("modality.antibody", "Monoclonal antibodies", ("antibody",)),
    Term("modality.adc", "Antibody-drug conjugates", ("ADC",)),
    Term("modality.cell_therapy", "Cell therapy (CAR-T, TIL, TCR)", ("CAR-T",)),
]


def fields(text: str) -> dict:
    return extract(text, TAXONOMY).fields


@pytest.mark.parametrize(
    ("text", "phase"),
    [
        ("A Phase I study of X.", "phase_1"),
        ("An open-label phase 1b/2 study.", "phase_1_2"),
        ("Phase Ib/IIa trial.", "phase_1_2"),
        ("A phase II study.", "phase_2"),
        ("Phase 0 microdosing.", "phase_0"),
        ("Dose escalation to the recommended Phase 2 dose (RP2D) in a phase 1 study.", "phase_1"),
        ("A FIH study of X.", "phase_1"),
    ],
)
def test_it_reads_the_phase(text, phase):
    assert fields(text)["phase"] == phase


@pytest.mark.parametrize(
    ("text", "populations"),
    [
        ("Patients aged ≥18 years.", ["adult"]),
        ("Patients 18 years or older.", ["adult"]),
        ("Patients aged 12 to 17 years.", ["paediatric"]),
        ("Participants < 18 years of age.", ["paediatric"]),
        ("Patients aged ≥ 12 years.", ["adult", "paediatric"]),
        ("Patients aged 16 to 39 years.", ["adult", "paediatric"]),
        ("Children from 6 months to 17 years of age.", ["paediatric"]),
        ("Open to adults and children.", ["adult", "paediatric"]),
    ],
)
def test_it_reads_populations_from_age_limits_first(text, populations):
    assert fields(text)["populations"] == populations


def test_it_does_not_take_a_function_or_metastases_for_a_tumour_type():
    found = fields("Patients with NSCLC. Adequate renal function is needed. Untreated brain metastases are excluded.")
    assert found["tumour_types"] == ["tumour.lung"]


def test_it_skips_what_sits_under_exclusion_criteria():
    found = fields("Inclusion criteria:\nPatients with RCC\nExclusion criteria:\nPrior glioma\n")
    assert found["tumour_types"] == ["tumour.renal"]


def test_it_matches_abbreviations_in_their_case_only():
    assert fields("Patients with ALL.")["tumour_types"] == ["tumour.leukaemia"]
    assert "tumour_types" not in fields("All patients with measurable disease.")


def test_it_takes_the_modality_named_first_and_the_longest_phrase_at_one_place():
    assert fields("X is an antibody-drug conjugate; an antibody comes later.")["modality"] == "adc"
    assert fields("177Lu-X, a radioligand, then an antibody.")["modality"] == "radioligand"


def test_it_reads_necessity_clause_by_clause():
    found = fields("Sites: PET-CT (essential); 177Lu handling (preferred).")
    assert found["requirements"] == [
        {"capability": "radio.isotopes", "necessity": "preferred"},
        {"capability": "radio.pet_ct", "necessity": "required"},
    ]


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("First patient in: Q2 2027.", datetime.date(2027, 4, 1)),
        ("Planned FPI: 01.03.2027", datetime.date(2027, 3, 1)),
        ("Study start (FPFV) 2027-06.", datetime.date(2027, 6, 1)),
        ("We expect to start in mid-2027.", datetime.date(2027, 7, 1)),
        ("Site initiation expected 15 January 2027.", datetime.date(2027, 1, 15)),
        ("Start: H2 2026", datetime.date(2026, 7, 1)),
    ],
)
def test_it_reads_the_planned_start(text, start):
    assert fields(text)["planned_start"] == start


def test_it_prefers_uk_sites_and_the_total_number_of_patients():
    text = "About 40 sites worldwide, including 4 sites in the UK. Part A 30 patients; 90 patients in total."
    found = fields(text)
    assert found["sites_sought"] == 4
    assert found["patients_total"] == 90


def test_it_leaves_out_what_the_synopsis_does_not_say_and_gives_evidence_for_the_rest():
    result = extract("A Phase I study of X in NSCLC", TAXONOMY)
    assert set(result.fields) == {"title", "phase", "tumour_types"}
    assert result.evidence["phase"] == "A Phase I study of X in NSCLC"
    assert extract("", TAXONOMY).fields == {}


def test_it_scores_lists_as_sets():
    expected = {"tumour_types": ["tumour.lung", "tumour.renal"], "sites_sought": 3}
    assert score({"tumour_types": ["tumour.renal", "tumour.lung"], "sites_sought": 4}, expected)[:2] == (1, 2)
