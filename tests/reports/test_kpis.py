"""crm/kpis.py: the report's arithmetic, without a database."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from crm import kpis

D = datetime.date


def test_it_makes_a_calendar_year():
    period = kpis.period_for(2025)
    assert (period.start, period.end, period.label) == (D(2025, 1, 1), D(2025, 12, 31), "2025")


def test_it_makes_a_financial_year_from_april_to_march():
    period = kpis.period_for(2025, financial=True)
    assert (period.start, period.end, period.label) == (D(2025, 4, 1), D(2026, 3, 31), "2025/26")
    assert period.months[0] == D(2025, 4, 1) and period.months[-1] == D(2026, 3, 1)


def test_it_finds_the_period_containing_a_day_and_the_last_complete_one():
    assert kpis.period_containing(D(2026, 2, 10), financial=True).year == 2025
    assert kpis.period_containing(D(2026, 4, 1), financial=True).year == 2026
    assert kpis.last_complete_year(D(2026, 11, 25)) == 2025
    assert kpis.last_complete_year(D(2026, 3, 31), financial=True) == 2024
    assert kpis.last_complete_year(D(2026, 4, 1), financial=True) == 2025


def test_it_counts_by_month_in_period_order():
    period = kpis.period_for(2025, financial=True)
    counts = kpis.by_month(period, [D(2025, 4, 1), D(2026, 3, 31), D(2026, 3, 1), D(2025, 3, 31), D(2026, 4, 1)])
    assert counts == [1] + [0] * 10 + [2]


def test_it_gives_percentages_with_one_decimal_and_none_without_a_denominator():
    assert kpis.pct(2, 3) == 66.7
    assert kpis.pct(0, 5) == 0.0
    assert kpis.pct(0, 0) is None


def test_it_takes_medians_skipping_unknowns():
    assert kpis.median([3, None, 1, 10]) == 3.0
    assert kpis.median([1, 2]) == 1.5
    assert kpis.median([None]) is None
    assert kpis.median([]) is None


def test_it_counts_a_target_met_on_the_day_as_met():
    assert kpis.share_within([60, 61, None, 10], 60) == 66.7
    assert kpis.share_within([None], 60) is None


def test_it_gives_the_change_from_the_year_before():
    assert kpis.change(10, 7) == 3
    assert kpis.change(50.0, 45.5) == 4.5
    assert kpis.change(None, 3) is None


@given(st.integers(min_value=2000, max_value=2100), st.booleans())
def test_it_makes_periods_of_twelve_months_that_follow_each_other(year, financial):
    period = kpis.period_for(year, financial=financial)
    assert len(period.months) == 12
    assert period.previous().end + datetime.timedelta(days=1) == period.start
    assert kpis.month_index(period, period.end) == 11


@given(st.lists(st.integers(min_value=0, max_value=1000)), st.integers(min_value=0, max_value=1000))
def test_it_keeps_shares_between_0_and_100(values, limit):
    share = kpis.share_within(values, limit)
    assert share is None if not values else 0 <= share <= 100
