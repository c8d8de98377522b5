"""The set-up targets judged once, on the day the result became known (feasibility/kpis.py): no database."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from crm.kpis import period_containing, period_for
from feasibility.kpis import (
    MET,
    MISSED,
    PENDING,
    Judgement,
    approval_judgement,
    decided_between,
    first_participant_judgement,
    judge,
    open_judgement,
    overall_judgement,
    target_share,
)

D = datetime.date
DAY = datetime.timedelta(days=1)
TODAY = D(2026, 6, 30)
SUBMITTED = D(2025, 1, 10)

# judge(): one row of the rule each -------------------------------------------------------------------------


def test_it_meets_a_target_on_the_day_reached_within_the_window():
    assert judge(SUBMITTED, D(2025, 2, 20), 60, TODAY) == Judgement(MET, D(2025, 2, 20), D(2025, 3, 11), 41)


def test_it_meets_a_target_reached_on_its_last_day():
    judgement = judge(SUBMITTED, SUBMITTED + 60 * DAY, 60, TODAY)
    assert (judgement.status, judgement.decided_on, judgement.days) == (MET, SUBMITTED + 60 * DAY, 60)


def test_it_misses_a_target_on_day_61_when_reached_later():
    judgement = judge(SUBMITTED, SUBMITTED + 75 * DAY, 60, TODAY)
    assert (judgement.status, judgement.decided_on, judgement.days) == (MISSED, SUBMITTED + 61 * DAY, 75)


def test_it_misses_a_target_on_day_61_when_never_reached():
    judgement = judge(SUBMITTED, None, 60, TODAY)
    assert (judgement.status, judgement.decided_on, judgement.days) == (MISSED, SUBMITTED + 61 * DAY, None)


def test_it_keeps_a_target_pending_inside_its_window():
    today = SUBMITTED + 60 * DAY
    assert judge(SUBMITTED, None, 60, today) == Judgement(PENDING, None, SUBMITTED + 60 * DAY)


def test_it_keeps_a_target_pending_until_its_clock_starts():
    assert judge(None, None, 60, TODAY) == Judgement(PENDING, None, None)


def test_it_knows_nothing_after_today():
    # Recorded as reached tomorrow (a typing slip): still pending today, not met.
    today = SUBMITTED + 10 * DAY
    assert judge(SUBMITTED, today + DAY, 60, today).status == PENDING


# Each target -----------------------------------------------------------------------------------------------


def test_it_gives_approval_60_days_from_submission():
    assert approval_judgement(SUBMITTED, SUBMITTED + 60 * DAY, False, TODAY).status == MET
    assert approval_judgement(SUBMITTED, SUBMITTED + 61 * DAY, False, TODAY).decided_on == SUBMITTED + 61 * DAY


def test_it_gives_an_advanced_therapy_90_days_for_approval():
    assert approval_judgement(SUBMITTED, SUBMITTED + 90 * DAY, True, TODAY).status == MET
    missed = approval_judgement(SUBMITTED, None, True, TODAY)
    assert (missed.status, missed.decided_on) == (MISSED, SUBMITTED + 91 * DAY)


def test_it_starts_the_open_clock_at_the_later_of_approval_and_selection():
    approved, selected = D(2025, 3, 1), D(2025, 3, 20)
    assert open_judgement(approved, selected, selected + 60 * DAY, TODAY).status == MET
    assert open_judgement(selected, approved, selected + 60 * DAY, TODAY).status == MET
    assert open_judgement(approved, selected, selected + 61 * DAY, TODAY).status == MISSED


def test_it_needs_both_approval_and_selection_to_start_the_open_clock():
    assert open_judgement(None, D(2025, 3, 1), None, TODAY).status == PENDING
    assert open_judgement(D(2025, 3, 1), None, None, TODAY).status == PENDING


def test_it_gives_the_first_participant_30_days_from_opening():
    opened = D(2025, 5, 1)
    assert first_participant_judgement(opened, opened + 30 * DAY, TODAY).status == MET
    late = first_participant_judgement(opened, opened + 45 * DAY, TODAY)
    assert (late.status, late.decided_on) == (MISSED, opened + 31 * DAY)
    assert first_participant_judgement(None, None, TODAY).status == PENDING


def test_it_judges_150_days_at_study_level_on_the_first_participant_at_any_site():
    sites = [None, SUBMITTED + 170 * DAY, SUBMITTED + 140 * DAY]
    judgement = overall_judgement(SUBMITTED, sites, TODAY)
    assert (judgement.status, judgement.decided_on, judgement.days) == (MET, SUBMITTED + 140 * DAY, 140)
    missed = overall_judgement(SUBMITTED, [None, None], TODAY)
    assert (missed.status, missed.decided_on) == (MISSED, SUBMITTED + 151 * DAY)
    assert overall_judgement(SUBMITTED, [], SUBMITTED + 150 * DAY).status == PENDING


# Periods -----------------------------------------------------------------------------------------------


def test_it_counts_a_judgement_in_the_period_holding_its_decided_day():
    # Submitted 31 Oct 2025, never approved: missed on 31 Dec 2025 (day 61), so it counts in 2025 …
    late = approval_judgement(D(2025, 10, 31), None, False, TODAY)
    assert late.decided_on == D(2025, 12, 31)
    assert target_share([late], D(2025, 1, 1), D(2025, 12, 31)) == (1, 0.0)
    # … and not in 2026, even though approval came in 2026.
    approved_late = approval_judgement(D(2025, 10, 31), D(2026, 1, 20), False, TODAY)
    assert target_share([approved_late], D(2026, 1, 1), D(2026, 12, 31)) == (0, None)


def test_it_counts_nothing_pending_and_gives_no_share_without_a_decision():
    pending = approval_judgement(TODAY - 5 * DAY, None, False, TODAY)
    assert target_share([pending], D(2026, 1, 1), D(2026, 12, 31)) == (0, None)


def test_it_gives_the_share_of_decided_targets_met():
    judgements = [
        judge(D(2025, 1, 1), D(2025, 2, 1), 60, TODAY),  # met
        judge(D(2025, 1, 1), None, 60, TODAY),  # missed 3 Mar 2025
        judge(D(2025, 1, 1), D(2025, 1, 20), 30, TODAY),  # met
        judge(D(2026, 6, 25), None, 60, TODAY),  # pending
    ]
    assert target_share(judgements, D(2025, 1, 1), D(2025, 12, 31)) == (3, 66.7)


# Edges, with hypothesis ----------------------------------------------------------------------------------

days = st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31))
targets = st.sampled_from([30, 60, 90, 150])


@given(days, st.integers(min_value=0, max_value=400), targets, st.integers(min_value=0, max_value=800))
def test_it_decides_a_target_on_the_day_reached_or_on_the_day_after_its_window(start, took, target, waited):
    reached = start + took * DAY
    today = start + waited * DAY
    judgement = judge(start, reached, target, today)
    if took <= target and waited >= took:
        assert (judgement.status, judgement.decided_on) == (MET, reached)
    elif waited > target:
        assert (judgement.status, judgement.decided_on) == (MISSED, start + (target + 1) * DAY)
    else:
        assert judgement == Judgement(PENDING, None, start + target * DAY, None)
    # Once decided, a result never changes as days pass (it is judged once).
    later = judge(start, reached, target, today + 365 * DAY)
    if judgement.decided:
        assert (later.status, later.decided_on) == (judgement.status, judgement.decided_on)
    assert judgement.decided_on is None or judgement.decided_on <= today


@given(days, targets, st.booleans())
def test_it_counts_each_decided_target_in_exactly_one_period(start, target, financial):
    # Calendar and UK financial years (April to March) alike, leap years included: a result decided on
    # the last day of one period counts there and not in the next.
    judgement = judge(start, None, target, D(2032, 1, 1))
    period = period_containing(judgement.decided_on, financial=financial)
    before, after = period.previous(), period_for(period.year + 1, financial=financial)
    counted = [len(decided_between([judgement], p.start, p.end)) for p in (before, period, after)]
    assert counted == [0, 1, 0]


@given(st.integers(min_value=2015, max_value=2030), st.booleans())
def test_it_counts_a_result_decided_on_a_periods_last_day_in_that_period(year, financial):
    period = period_for(year, financial=financial)
    start = period.end - 61 * DAY  # day 61 is the period's last day
    judgement = judge(start, None, 60, period.end)
    assert judgement.decided_on == period.end
    assert target_share([judgement], period.start, period.end) == (1, 0.0)
    # The day before, still inside the window: pending, counted nowhere.
    assert judge(start, None, 60, period.end - DAY).status == PENDING


def test_it_counts_leap_days():
    # 29 Feb 2028 exists: 60 days from 1 Jan 2028 is 1 Mar 2028; missed on 2 Mar.
    judgement = judge(D(2028, 1, 1), None, 60, TODAY.replace(year=2029))
    assert (judgement.deadline, judgement.decided_on) == (D(2028, 3, 1), D(2028, 3, 2))
