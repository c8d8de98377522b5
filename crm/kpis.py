"""The arithmetic of the annual report (DESIGN.md section 7): plain data in, numbers out, no database.

Conventions every figure follows:
- a percentage has one decimal and is None (null in JSON) when its denominator is 0;
- a median is of whole days, returned as a float with one decimal, None when there is nothing to measure;
- a period is a calendar year (January to December) or a UK financial year (April to March), named by the
  year it starts in: financial year 2025 is 1 April 2025 to 31 March 2026, shown as "2025/26".
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

FINANCIAL_YEAR_START_MONTH = 4
FIRST_REPORT_YEAR = 2000


def report_year_allowed(year: int, today: datetime.date) -> bool:
    """A report can be drawn for any year from 2000 to next year (a financial year may start in it soon)."""
    return FIRST_REPORT_YEAR <= year <= today.year + 1


@dataclass(frozen=True)
class Period:
    year: int
    financial: bool
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}" if self.financial else str(self.year)

    @property
    def months(self) -> list[datetime.date]:
        """The first day of each of the period's twelve months, in period order."""
        return [_add_months(self.start, i) for i in range(12)]

    def __contains__(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def previous(self) -> Period:
        return period_for(self.year - 1, financial=self.financial)

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    return day.replace(year=day.year + index // 12, month=index % 12 + 1, day=1)


def month_end(first: datetime.date) -> datetime.date:
    """The last day of the month `first` falls in."""
    return _add_months(first, 1) - datetime.timedelta(days=1)


def period_for(year: int, *, financial: bool = False) -> Period:
    """The calendar year, or the UK financial year starting in April of `year`."""
    if financial:
        start = datetime.date(year, FINANCIAL_YEAR_START_MONTH, 1)
        end = datetime.date(year + 1, FINANCIAL_YEAR_START_MONTH, 1) - datetime.timedelta(days=1)
    else:
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return Period(year=year, financial=financial, start=start, end=end)


def period_containing(day: datetime.date, *, financial: bool = False) -> Period:
    if financial and day.month < FINANCIAL_YEAR_START_MONTH:
        return period_for(day.year - 1, financial=True)
    return period_for(day.year, financial=financial)


def last_complete_year(today: datetime.date, *, financial: bool = False) -> int:
    """The most recent year (calendar or financial) that has ended by `today`."""
    return period_containing(today, financial=financial).year - 1


def month_index(period: Period, day: datetime.date) -> int | None:
    """0 for the period's first month … 11 for its last; None outside the period."""
    if day not in period:
        return None
    return (day.year - period.start.year) * 12 + day.month - period.start.month


def by_month(period: Period, days: Iterable[datetime.date]) -> list[int]:
    counts = [0] * 12
    for day in days:
        index = month_index(period, day)
        if index is not None:
            counts[index] += 1
    return counts


def pct(numerator: int, denominator: int) -> float | None:
    """numerator / denominator × 100 with one decimal; None when the denominator is 0."""
    if not denominator:
        return None
    return round(numerator * 100 / denominator, 1)


def median(values: Iterable[float | int | None]) -> float | None:
    """The median of the values given (None values skipped), one decimal; None when there are none."""
    known = [v for v in values if v is not None]
    if not known:
        return None
    return round(float(statistics.median(known)), 1)


def share_within(values: Iterable[int | None], limit: int) -> float | None:
    """The percentage of known values at or under `limit` (a target met on the day counts as met)."""
    known = [v for v in values if v is not None]
    return pct(sum(1 for v in known if v <= limit), len(known))


def days_between(start: datetime.date | None, end: datetime.date | None) -> int | None:
    return (end - start).days if start and end else None


def change(current: float | int | None, previous: float | int | None) -> float | int | None:
    """current − previous, None when either is unknown (shown beside a headline figure)."""
    if current is None or previous is None:
        return None
    difference = current - previous
    return round(difference, 1) if isinstance(difference, float) else difference
