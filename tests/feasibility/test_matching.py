"""Matching (DESIGN.md section 4): pure, no database."""

import datetime
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from feasibility.matching import (
    NEUTRAL_RESPONSIVENESS,
    WEIGHTS,
    CentreProfile,
    RequestSpec,
    Threshold,
    match_centre,
    match_centres,
)

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
    assert "Required but only planned: a.one." in planned.reasons


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
    assert results[-1].score is None


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
    assert all(0 <= m.score <= 100 for m in results if m.eligible)
    assert all(m.score is None for m in results if not m.eligible)
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


# Second round: expiry, thresholds, partners, eligible-only scores, reasons in words -----------------

TODAY = datetime.date(2026, 3, 1)
NAMES = {
    "adult": "adult",
    "paediatric": "paediatric",
    "radio.arsac_licence": "ARSAC research licence",
    "radio.pharmacy": "Radiopharmacy",
    "radiopharmaceutical": "Radiopharmaceutical therapy",
    "acc.jacie": "JACIE accreditation",
    "facility.icu_minutes": "Time to intensive care",
    "facility.beds": "Phase I beds",
    "tumour.lung": "Lung",
    "tumour.breast": "Breast",
}
UNITS = {"facility.icu_minutes": "minutes", "facility.beds": "beds"}


def spec_of(**kwargs):
    return RequestSpec(**{"populations": ["adult"], "names": NAMES, "units": UNITS, "today": TODAY, **kwargs})


def profile(id=1, name="Leeds", **kwargs):
    levels = kwargs.pop("levels", {})
    return CentreProfile(id=id, name=name, levels={"adult": "available", **levels}, **kwargs)


def test_it_counts_an_expired_accreditation_as_absent_and_says_when_it_expired():
    spec = spec_of(required=["acc.jacie"])
    expired = profile(levels={"acc.jacie": "available"}, expires={"acc.jacie": datetime.date(2025, 1, 31)})
    match = match_centre(spec, expired)
    assert not match.eligible and match.score is None
    assert match.missing == ["acc.jacie"]
    assert "JACIE accreditation expired on 31 Jan 2025." in match.reasons
    assert not any("Missing" in r for r in match.reasons)  # said once, as the expiry


def test_it_flags_an_accreditation_expiring_before_the_planned_start_as_limited():
    spec = spec_of(required=["acc.jacie"], planned_start=datetime.date(2026, 9, 1))
    centre_ = profile(levels={"acc.jacie": "available"}, expires={"acc.jacie": datetime.date(2026, 6, 30)})
    match = match_centre(spec, centre_)
    assert match.eligible
    assert match.limited == ["acc.jacie"]
    assert "JACIE accreditation expires on 30 Jun 2026, before the planned start." in match.reasons
    still_valid = profile(levels={"acc.jacie": "available"}, expires={"acc.jacie": datetime.date(2027, 1, 1)})
    assert match_centre(spec, still_valid).limited == []


def test_it_refuses_a_centre_missing_a_threshold_and_names_the_figures():
    spec = spec_of(required=["facility.icu_minutes"], thresholds={"facility.icu_minutes": Threshold(at_most=15)})
    far = profile(levels={"facility.icu_minutes": "available"}, quantities={"facility.icu_minutes": 20})
    near = profile(
        2, "Manchester", levels={"facility.icu_minutes": "available"}, quantities={"facility.icu_minutes": 3}
    )
    far_match, near_match = match_centre(spec, far), match_centre(spec, near)
    assert not far_match.eligible
    assert "Time to intensive care 20 minutes, at most 15 minutes required." in far_match.reasons
    assert near_match.eligible and near_match.limited == []


def test_it_applies_an_at_least_threshold_to_beds():
    spec = spec_of(required=["facility.beds"], thresholds={"facility.beds": Threshold(at_least=4)})
    assert match_centre(spec, profile(levels={"facility.beds": "available"}, quantities={"facility.beds": 4})).eligible
    few = match_centre(spec, profile(levels={"facility.beds": "available"}, quantities={"facility.beds": 2}))
    assert not few.eligible and "Phase I beds 2 beds, at least 4 beds required." in few.reasons


def test_it_counts_an_unknown_quantity_as_limited():
    spec = spec_of(required=["facility.icu_minutes"], thresholds={"facility.icu_minutes": Threshold(at_most=15)})
    match = match_centre(spec, profile(levels={"facility.icu_minutes": "available"}))
    assert match.eligible and match.limited == ["facility.icu_minutes"]
    assert "Time to intensive care: quantity not given, at most 15 minutes required." in match.reasons


def test_it_counts_a_partners_capability_as_limited_and_names_the_partner():
    spec = spec_of(populations=["paediatric"], required=["radio.pharmacy"])
    gosh = CentreProfile(id=1, name="Great Ormond Street", levels={"paediatric": "available"}, partner_ids=[2])
    ucl = CentreProfile(id=2, name="UCL", levels={"adult": "available", "radio.pharmacy": "available"}, partner_ids=[1])
    results = {m.centre_name: m for m in match_centres(spec, [gosh, ucl])}
    match = results["Great Ormond Street"]
    assert match.eligible
    assert match.limited == ["radio.pharmacy"] and match.via == {"radio.pharmacy": "UCL"}
    assert "Radiopharmacy via UCL." in match.reasons
    assert match.explanation()["via"] == [{"capability": "radio.pharmacy", "name": "Radiopharmacy", "partner": "UCL"}]


def test_it_does_not_borrow_a_partners_limited_expired_or_short_capability():
    spec = spec_of(
        populations=["paediatric"],
        required=["radio.pharmacy", "facility.icu_minutes"],
        thresholds={"facility.icu_minutes": Threshold(at_most=15)},
    )
    child = CentreProfile(id=1, name="Child", levels={"paediatric": "available"}, partner_ids=[2])

    def adult(**kwargs):
        return CentreProfile(id=2, name="Adult", partner_ids=[1], **kwargs)

    for partner in [
        adult(levels={"radio.pharmacy": "limited", "facility.icu_minutes": "available"},
              quantities={"facility.icu_minutes": 5}),
        adult(levels={"radio.pharmacy": "available", "facility.icu_minutes": "available"},
              expires={"radio.pharmacy": datetime.date(2025, 1, 1)}, quantities={"facility.icu_minutes": 5}),
        adult(levels={"radio.pharmacy": "available", "facility.icu_minutes": "available"},
              quantities={"facility.icu_minutes": 40}),
        adult(levels={"radio.pharmacy": "available", "facility.icu_minutes": "available"},
              quantities={"facility.icu_minutes": 5}, active=False),
    ]:  # fmt: skip
        results = {m.centre_id: m for m in match_centres(spec, [child, partner])}
        assert not results[1].eligible, partner


def test_it_ranks_the_ineligible_after_with_no_score_fewest_missing_first():
    spec = spec_of(required=["radio.pharmacy", "radio.arsac_licence"])
    results = match_centres(
        spec,
        [
            profile(1, "Aberdeen"),
            profile(2, "Belfast", levels={"radio.pharmacy": "available"}),
            profile(3, "Cardiff", levels={"radio.pharmacy": "available", "radio.arsac_licence": "limited"}),
        ],
    )
    assert [(m.centre_name, m.score) for m in results][1:] == [("Belfast", None), ("Aberdeen", None)]
    assert results[0].centre_name == "Cardiff" and results[0].score is not None
    assert "Missing: ARSAC research licence." in results[1].reasons


def test_it_says_each_missing_requirement_once_in_words_even_when_the_modality_also_requires_it():
    spec = spec_of(
        modality="radioligand",
        required=["radiopharmaceutical", "radio.arsac_licence"],
        modality_rules={"radioligand": ["radiopharmaceutical", "radio.pharmacy"]},
    )
    match = match_centre(spec, profile())
    text = " ".join(match.reasons)
    assert match.reasons[0] == (
        "Missing: Radiopharmaceutical therapy, ARSAC research licence, Radiopharmacy (for the modality)."
    )
    for name in ("Radiopharmaceutical therapy", "ARSAC research licence", "Radiopharmacy"):
        assert text.count(name) == 1
    assert "radio." not in text and "radiopharmaceutical" not in text  # never a code
    assert match.missing == ["radiopharmaceutical", "radio.arsac_licence", "radio.pharmacy"]  # the API keeps codes


def test_it_ranks_expertise_in_both_tumour_types_above_one_preferred_capability():
    spec = spec_of(tumour_types=["tumour.lung", "tumour.breast"], preferred=["radio.pharmacy"])
    edinburgh = profile(1, "Edinburgh", levels={"tumour.lung": "available", "tumour.breast": "available"})
    other = profile(2, "Aberdeen", levels={"radio.pharmacy": "available"})
    assert [m.centre_name for m in match_centres(spec, [other, edinburgh])] == ["Edinburgh", "Aberdeen"]


def test_it_weighs_parts_that_add_up_to_a_hundred():
    assert sum(WEIGHTS.values()) == 100
    assert WEIGHTS["tumour"] >= WEIGHTS["preferred"] and WEIGHTS["responsiveness"] >= 20


# Properties of the second round ------------------------------------------------------------------------

QUANTITY_CODES = ["facility.icu_minutes", "facility.beds"]
R2_CODES = ["radio.pharmacy", "acc.jacie", *QUANTITY_CODES, "tumour.lung"]
day_st = st.dates(datetime.date(2024, 1, 1), datetime.date(2028, 1, 1))
r2_centre_st = st.builds(
    lambda i, active, levels, quantities, expires, past, on_time: CentreProfile(
        id=i,
        name=f"C{i}",
        active=active,
        levels=levels,
        quantities=quantities,
        expires=expires,
        past_invitations=past,
        answered_on_time=min(on_time, past),
    ),
    st.integers(1, 10_000),
    st.booleans(),
    st.dictionaries(st.sampled_from(["adult", "paediatric", *R2_CODES]), st.sampled_from(LEVELS)),
    st.dictionaries(st.sampled_from(QUANTITY_CODES), st.integers(0, 60)),
    st.dictionaries(st.sampled_from(["acc.jacie", "radio.pharmacy"]), day_st),
    st.integers(0, 10),
    st.integers(0, 10),
)
threshold_st = st.builds(Threshold, at_most=st.none() | st.integers(0, 60), at_least=st.none() | st.integers(0, 60))
r2_spec_st = st.builds(
    RequestSpec,
    populations=st.lists(st.sampled_from(["adult", "paediatric"]), min_size=1, max_size=2, unique=True),
    required=st.lists(st.sampled_from(R2_CODES[:4]), max_size=3, unique=True),
    preferred=st.lists(st.sampled_from(R2_CODES[:4]), max_size=2, unique=True),
    tumour_types=st.lists(st.just("tumour.lung"), max_size=1),
    thresholds=st.dictionaries(st.sampled_from(QUANTITY_CODES), threshold_st),
    names=st.just(NAMES),
    units=st.just(UNITS),
    today=day_st,
    planned_start=st.none() | day_st,
)


def with_ids(centres, partners_of_first=()):
    out = [CentreProfile(**{**c.__dict__, "id": i + 1, "name": f"C{i + 1}"}) for i, c in enumerate(centres)]
    if partners_of_first:
        out[0] = CentreProfile(**{**out[0].__dict__, "partner_ids": list(partners_of_first)})
    return out


@settings(max_examples=150, deadline=None)
@given(spec=r2_spec_st, centres=st.lists(r2_centre_st, min_size=1, max_size=6), partnered=st.booleans())
def test_it_keeps_scores_in_range_for_the_eligible_only_and_them_first(spec, centres, partnered):
    centres = with_ids(centres, [2, 3] if partnered else ())
    results = match_centres(spec, centres)
    assert [m.eligible for m in results] == sorted((m.eligible for m in results), reverse=True)
    for m in results:
        assert (m.score is not None) == m.eligible
        assert m.score is None or 0 <= m.score <= 100
    ineligible = [m.shortfall for m in results if not m.eligible]
    assert ineligible == sorted(ineligible)


@settings(max_examples=150, deadline=None)
@given(spec=r2_spec_st, centres=st.lists(r2_centre_st, min_size=1, max_size=6), pick=st.integers(0, 100))
def test_it_never_ranks_a_centre_lower_for_holding_more(spec, centres, pick):
    centres = with_ids(centres)
    codes = [*spec.required, *spec.preferred, *spec.tumour_types, *spec.populations]
    if not codes:
        return
    code = codes[pick % len(codes)]
    target = centres[pick % len(centres)]
    before = rank_of(match_centres(spec, centres), target.id)
    levels = {**target.levels, code: "available"}
    expires = {k: v for k, v in target.expires.items() if k != code}
    threshold = spec.thresholds.get(code)
    quantities = dict(target.quantities)
    if threshold is not None and (threshold.at_most is not None or threshold.at_least is not None):
        if threshold.at_most is not None and threshold.at_least is not None and threshold.at_least > threshold.at_most:
            return
        quantities[code] = threshold.at_least if threshold.at_least is not None else threshold.at_most
    improved = CentreProfile(**{**target.__dict__, "levels": levels, "expires": expires, "quantities": quantities})
    after = rank_of(match_centres(spec, [improved if c.id == target.id else c for c in centres]), target.id)
    assert after <= before


@settings(max_examples=150, deadline=None)
@given(spec=r2_spec_st, target=r2_centre_st, offset=st.integers(1, 400))
def test_it_treats_an_expired_level_exactly_as_an_absent_one(spec, target, offset):
    code = "acc.jacie"
    expired = CentreProfile(
        **{**target.__dict__, "levels": {**target.levels, code: "available"},
           "expires": {**target.expires, code: spec.today - datetime.timedelta(days=offset)}}
    )  # fmt: skip
    absent = CentreProfile(**{**target.__dict__, "levels": {k: v for k, v in target.levels.items() if k != code}})
    a, b = match_centre(spec, expired), match_centre(spec, absent)
    assert (a.eligible, a.score, a.missing, a.matched) == (b.eligible, b.score, b.missing, b.matched)


@settings(max_examples=150, deadline=None)
@given(spec=r2_spec_st, target=r2_centre_st, quantity=st.integers(0, 60), at_most=st.integers(0, 60))
def test_it_treats_a_missed_threshold_as_absent_and_a_met_one_as_no_threshold(spec, target, quantity, at_most):
    code = "facility.icu_minutes"
    spec = RequestSpec(**{**spec.__dict__, "required": [code], "thresholds": {code: Threshold(at_most=at_most)}})
    plain = RequestSpec(**{**spec.__dict__, "thresholds": {}})
    centre_ = CentreProfile(
        **{**target.__dict__, "levels": {**target.levels, code: "available"},
           "quantities": {**target.quantities, code: quantity}}
    )  # fmt: skip
    absent = CentreProfile(**{**centre_.__dict__, "levels": {k: v for k, v in centre_.levels.items() if k != code}})
    result = match_centre(spec, centre_)
    expected = match_centre(plain, centre_ if quantity <= at_most else absent)
    assert (result.eligible, result.score, result.missing) == (expected.eligible, expected.score, expected.missing)


@settings(max_examples=150, deadline=None)
@given(spec=r2_spec_st, centres=st.lists(r2_centre_st, min_size=2, max_size=5))
def test_it_never_makes_a_centre_ineligible_or_rank_lower_for_gaining_a_partner(spec, centres):
    alone = with_ids(centres)
    partnered = with_ids(centres, [2])
    before = {m.centre_id: m for m in match_centres(spec, alone)}
    after = {m.centre_id: m for m in match_centres(spec, partnered)}
    assert after[1].eligible or not before[1].eligible
    assert rank_of(match_centres(spec, partnered), 1) <= rank_of(match_centres(spec, alone), 1)
    assert set(after[1].via.values()) <= {"C2"}


@settings(max_examples=100, deadline=None)
@given(spec=r2_spec_st, target=r2_centre_st)
def test_it_gives_a_centre_with_no_past_invitations_the_neutral_middle(spec, target):
    new = CentreProfile(**{**target.__dict__, "past_invitations": 0, "answered_on_time": 0})
    assert match_centre(spec, new).breakdown.responsiveness == NEUTRAL_RESPONSIVENESS
