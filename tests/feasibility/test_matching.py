"""Matching (DESIGN.md section 4): pure, no database."""

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from feasibility.matching import CentreProfile, RequestSpec, match_centre, match_centres

CODES = ["adult", "paediatric", "haematology", "radiopharmaceutical", "a.one", "a.two", "b.three", "tumour.lung"]
LEVELS = ["available", "limited", "planned"]


def centre(id=1, name="Leeds", active=True, past=0, on_time=0, **levels):
    return CentreProfile(
        id=id, name=name, active=active, levels=levels, past_invitations=past, answered_on_time=on_time
    )


def test_it_makes_a_centre_holding_everything_eligible():
    spec = RequestSpec(populations=["adult"], required=["a.one"], preferred=["a.two"])
    match = match_centre(spec, centre(adult="available", **{"a.one": "available", "a.two": "limited"}))
    assert match.eligible
    assert match.matched == ["adult", "a.one", "a.two"]
    assert match.limited == ["a.two"]
    assert match.missing == []


def test_it_refuses_an_inactive_centre():
    spec = RequestSpec(populations=["adult"])
    match = match_centre(spec, centre(active=False, adult="available"))
    assert not match.eligible
    assert "The centre is inactive." in match.reasons


def test_it_refuses_a_centre_serving_no_requested_population_and_lists_it_missing():
    spec = RequestSpec(populations=["paediatric"])
    match = match_centre(spec, centre(adult="available", paediatric="planned"))
    assert not match.eligible
    assert match.missing == ["paediatric"]
    assert any("population" in r for r in match.reasons)


def test_it_accepts_a_centre_serving_one_of_two_populations_but_scores_coverage_lower():
    spec = RequestSpec(populations=["adult", "paediatric"])
    one = match_centre(spec, centre(adult="available"))
    both = match_centre(spec, centre(adult="available", paediatric="available"))
    assert one.eligible and both.eligible
    assert one.missing == ["paediatric"]
    assert one.breakdown.coverage == 0.5 and both.breakdown.coverage == 1.0
    assert both.score > one.score


def test_it_counts_limited_but_not_planned_for_required():
    spec = RequestSpec(populations=["adult"], required=["a.one"])
    assert match_centre(spec, centre(adult="available", **{"a.one": "limited"})).eligible
    planned = match_centre(spec, centre(adult="available", **{"a.one": "planned"}))
    assert not planned.eligible
    assert planned.missing == ["a.one"]
    assert any("only planned" in r for r in planned.reasons)


def test_it_adds_required_capabilities_from_modality_rules():
    spec = RequestSpec(
        populations=["adult"], modality="radioligand", modality_rules={"radioligand": ["radiopharmaceutical"]}
    )
    assert not match_centre(spec, centre(adult="available")).eligible
    match = match_centre(spec, centre(adult="available", radiopharmaceutical="available"))
    assert match.eligible
    assert "radiopharmaceutical" in match.matched
    other = RequestSpec(populations=["adult"], modality="antibody", modality_rules=spec.modality_rules)
    assert match_centre(other, centre(adult="available")).eligible


def test_it_gives_a_new_centre_neutral_responsiveness():
    spec = RequestSpec(populations=["adult"])
    assert match_centre(spec, centre(adult="available")).breakdown.responsiveness == 0.5
    assert match_centre(spec, centre(adult="available", past=4, on_time=4)).breakdown.responsiveness == 1.0
    assert match_centre(spec, centre(adult="available", past=4, on_time=0)).breakdown.responsiveness == 0.0


def test_it_scores_tumour_expertise():
    spec = RequestSpec(populations=["adult"], tumour_types=["tumour.lung", "tumour.breast"])
    match = match_centre(spec, centre(adult="available", **{"tumour.lung": "available"}))
    assert match.breakdown.tumour == 0.5
    assert match.eligible  # tumour types rank, they never exclude


def test_it_ranks_eligible_first_then_score_then_name():
    spec = RequestSpec(populations=["adult"], preferred=["a.one"])
    results = match_centres(
        spec,
        [
            centre(1, "Zeta", adult="available", **{"a.one": "available"}),
            centre(2, "Alpha", adult="planned", **{"a.one": "available"}),
            centre(3, "Beta", adult="available"),
            centre(4, "Gamma", adult="available"),
        ],
    )
    assert [m.centre_name for m in results] == ["Zeta", "Beta", "Gamma", "Alpha"]


def test_it_is_fast_enough_to_rerun_on_every_change():
    codes = [f"cap.c{i}" for i in range(100)]
    spec = RequestSpec(populations=["adult", "paediatric"], required=codes[:20], preferred=codes[20:60])
    centres = [
        centre(i, f"Centre {i}", adult="available", **{c: LEVELS[(i + j) % 3] for j, c in enumerate(codes)})
        for i in range(30)
    ]
    started = time.perf_counter()
    for _ in range(10):
        match_centres(spec, centres)
    assert (time.perf_counter() - started) / 10 < 0.05


# Properties ----------------------------------------------------------------------------------------

levels_st = st.dictionaries(st.sampled_from(CODES), st.sampled_from(LEVELS), max_size=len(CODES))
centre_st = st.builds(
    lambda i, active, levels, past, on_time: CentreProfile(
        id=i, name=f"C{i % 5}", active=active, levels=levels, past_invitations=past, answered_on_time=min(on_time, past)
    ),
    st.integers(1, 10_000),
    st.booleans(),
    levels_st,
    st.integers(0, 20),
    st.integers(0, 20),
)
spec_st = st.builds(
    RequestSpec,
    populations=st.lists(st.sampled_from(["adult", "paediatric"]), min_size=1, max_size=2, unique=True),
    modality=st.sampled_from(["radioligand", "cell_therapy", "antibody"]),
    required=st.lists(st.sampled_from(CODES[2:]), max_size=3, unique=True),
    preferred=st.lists(st.sampled_from(CODES[2:]), max_size=4, unique=True),
    tumour_types=st.lists(st.sampled_from(["tumour.lung", "b.three"]), max_size=2, unique=True),
    modality_rules=st.just({"radioligand": ["radiopharmaceutical"], "cell_therapy": ["haematology"]}),
)


def unique_ids(centres):
    return [CentreProfile(**{**c.__dict__, "id": i}) for i, c in enumerate(centres)]


def rank_of(results, centre_id):
    return [m.centre_id for m in results].index(centre_id)


@settings(max_examples=150, deadline=None)
@given(spec=spec_st, centres=st.lists(centre_st, min_size=1, max_size=8))
def test_it_always_puts_eligible_before_ineligible_with_scores_in_range(spec, centres):
    results = match_centres(spec, unique_ids(centres))
    flags = [m.eligible for m in results]
    assert flags == sorted(flags, reverse=True)
    assert all(0 <= m.score <= 100 for m in results)
    assert len(results) == len(centres)


@settings(max_examples=150, deadline=None)
@given(spec=spec_st, centres=st.lists(centre_st, min_size=1, max_size=8), pick=st.integers(0, 100))
def test_it_never_lowers_a_centre_rank_when_it_gains_a_preferred_capability(spec, centres, pick):
    centres = unique_ids(centres)
    preferred = list(spec.preferred)
    if not preferred:
        return
    code = preferred[pick % len(preferred)]
    target = centres[pick % len(centres)]
    before = rank_of(match_centres(spec, centres), target.id)
    improved = CentreProfile(**{**target.__dict__, "levels": {**target.levels, code: "available"}})
    after = rank_of(match_centres(spec, [improved if c.id == target.id else c for c in centres]), target.id)
    assert after <= before


@settings(max_examples=150, deadline=None)
@given(spec=spec_st, target=centre_st, pick=st.integers(0, 100))
def test_it_never_makes_a_centre_eligible_by_removing_a_required_capability(spec, target, pick):
    required = spec.all_required()
    if not required:
        return
    code = required[pick % len(required)]
    reduced = CentreProfile(**{**target.__dict__, "levels": {k: v for k, v in target.levels.items() if k != code}})
    assert not match_centre(spec, reduced).eligible
    if not match_centre(spec, target).eligible:
        assert not match_centre(spec, reduced).eligible
