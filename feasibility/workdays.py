"""UK working days per nation: each nation has its own bank holidays (St Patrick's Day in Northern
Ireland, 2 January and St Andrew's Day in Scotland...). Pure, no database."""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays

# Our nations (capabilities.models.Nation values) to the `holidays` library's UK subdivisions.
SUBDIVISIONS = {
    "england": "ENG",
    "scotland": "SCT",
    "wales": "WLS",
    "northern_ireland": "NIR",
}


def _subdivision(nation: str) -> str:
    if nation in SUBDIVISIONS:
        return SUBDIVISIONS[nation]
    if nation.upper() in SUBDIVISIONS.values():
        return nation.upper()
    raise ValueError(f"Unknown nation {nation!r}: use one of {', '.join(SUBDIVISIONS)}.")


@lru_cache(maxsize=64)
def _holidays(subdivision: str, year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.UK(subdiv=subdivision, years=year).keys())


def is_working_day(day: datetime.date, nation: str = "england") -> bool:
    return day.weekday() < 5 and day not in _holidays(_subdivision(nation), day.year)


def add_working_days(start: datetime.date, n: int, nation: str = "england") -> datetime.date:
    """The date `n` working days after `start` in that nation (start itself is not counted)."""
    if n < 0:
        raise ValueError("Count forwards: n must be 0 or more.")
    day = start
    remaining = n
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day, nation):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date, nation: str = "england") -> int:
    """Working days after `start` up to and including `end` (negative when end is earlier)."""
    if end < start:
        return -working_days_between(end, start, nation)
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day, nation):
            count += 1
    return count
