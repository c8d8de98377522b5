"""What an open site or study waits for, by when, and whether it is at risk: pure rules, one test per row."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from feasibility.kpis import (
    APPROVAL,
    AT_RISK,
    FIRST_PARTICIPANT,
    OPENING,
    OVERDUE,
    STUDY_150,
    Awaited,
    awaited_by_site,
    awaited_by_study,
    risk,
)

D = datetime.date


def site(**kwargs):
    return awaited_by_site(**{"approved": None, "selected": None, "opened": None, "first_participant": None, **kwargs})


def study(**kwargs):
    defaults = {"submitted": None, "approved": None, "advanced_therapy": False, "first_participant_anywhere": None}
    return awaited_by_study(**{**defaults, **kwargs})


def test_it_awaits_opening_60_days_from_the_later_of_approval_and_selection():
    assert site(approved=D(2025, 3, 1), selected=D(2025, 2, 1)) == Awaited(OPENING, D(2025, 4, 30))
    assert site(approved=D(2025, 2, 1), selected=D(2025, 3, 1)) == Awaited(OPENING, D(2025, 4, 30))


def test_it_starts_no_open_clock_without_both_approval_and_selection():
    assert site(selected=D(2025, 3, 1)) is None
    assert site(approved=D(2025, 3, 1)) is None


def test_it_awaits_the_first_participant_30_days_from_opening():
    assert site(approved=D(2025, 1, 1), selected=D(2025, 1, 1), opened=D(2025, 2, 1)) == Awaited(
        FIRST_PARTICIPANT, D(2025, 3, 3)
    )


def test_it_awaits_nothing_of_a_site_that_recruited():
    assert site(opened=D(2025, 2, 1), first_participant=D(2025, 2, 5)) is None


def test_it_awaits_approval_60_days_from_submission_or_90_for_an_advanced_therapy():
    assert study(submitted=D(2025, 1, 1)) == Awaited(APPROVAL, D(2025, 3, 2))
    assert study(submitted=D(2025, 1, 1), advanced_therapy=True) == Awaited(APPROVAL, D(2025, 4, 1))


def test_it_awaits_the_first_participant_anywhere_150_days_from_submission():
    assert study(submitted=D(2025, 1, 1), approved=D(2025, 2, 1)) == Awaited(STUDY_150, D(2025, 5, 31))
    assert study(submitted=D(2025, 1, 1), approved=D(2025, 2, 1), first_participant_anywhere=D(2025, 4, 1)) is None


def test_it_awaits_nothing_of_a_study_not_yet_submitted():
    assert study() is None


def test_it_flags_overdue_from_the_day_after_the_deadline_and_at_risk_up_to_the_warning_day():
    today, warn = D(2025, 6, 2), D(2025, 6, 16)
    assert risk(D(2025, 6, 1), today, warn) == OVERDUE
    assert risk(today, today, warn) == AT_RISK
    assert risk(warn, today, warn) == AT_RISK
    assert risk(D(2025, 6, 17), today, warn) is None


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 1, 1)), st.integers(min_value=0, max_value=400))
def test_it_flags_every_deadline_exactly_once_or_not_at_all(today, offset):
    warn = today + datetime.timedelta(days=14)
    deadline = today + datetime.timedelta(days=offset - 200)
    flag = risk(deadline, today, warn)
    assert flag == (OVERDUE if deadline < today else AT_RISK if deadline <= warn else None)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 1, 1)))
def test_it_counts_the_approval_window_across_leap_years(submitted):
    assert (study(submitted=submitted).deadline - submitted).days == 60
