"""UK working days per nation (pure)."""

import datetime

import pytest

from feasibility.workdays import add_working_days, is_working_day, working_days_between

D = datetime.date


def test_it_skips_weekends():
    assert add_working_days(D(2025, 6, 6), 1, "england") == D(2025, 6, 9)  # Friday → Monday
    assert add_working_days(D(2025, 6, 2), 10, "england") == D(2025, 6, 16)


def test_it_skips_st_patricks_day_only_in_northern_ireland():
    # 17 March 2025 is a Monday.
    assert add_working_days(D(2025, 3, 14), 1, "northern_ireland") == D(2025, 3, 18)
    assert add_working_days(D(2025, 3, 14), 1, "england") == D(2025, 3, 17)


def test_it_skips_the_second_of_january_only_in_scotland():
    # 2 January 2025 is a Thursday.
    assert add_working_days(D(2024, 12, 31), 1, "scotland") == D(2025, 1, 3)
    assert add_working_days(D(2024, 12, 31), 1, "wales") == D(2025, 1, 2)


def test_it_skips_st_andrews_day_in_scotland():
    # 30 November 2026 is a Monday.
    assert not is_working_day(D(2026, 11, 30), "scotland")
    assert is_working_day(D(2026, 11, 30), "england")


def test_it_skips_christmas_boxing_day_and_easter_everywhere():
    for nation in ["england", "scotland", "wales", "northern_ireland"]:
        # 24 Dec 2025 (Wed) + 1 skips Christmas (Thu) and Boxing Day (Fri), weekend → Mon 29 Dec.
        assert add_working_days(D(2025, 12, 24), 1, nation) == D(2025, 12, 29)
        assert not is_working_day(D(2025, 4, 18), nation)  # Good Friday
    assert not is_working_day(D(2025, 4, 21), "england")  # Easter Monday
    assert is_working_day(D(2025, 4, 21), "scotland")  # not a bank holiday in Scotland


def test_it_counts_ten_working_days_across_easter():
    assert add_working_days(D(2025, 4, 14), 10, "england") == D(2025, 4, 30)
    assert add_working_days(D(2025, 4, 14), 10, "scotland") == D(2025, 4, 29)


def test_it_counts_days_between():
    assert working_days_between(D(2025, 6, 2), D(2025, 6, 16)) == 10
    assert working_days_between(D(2025, 6, 16), D(2025, 6, 2)) == -10


def test_it_refuses_an_unknown_nation():
    with pytest.raises(ValueError):
        add_working_days(D(2025, 1, 1), 1, "atlantis")
