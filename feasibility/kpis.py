"""A centre's scorecard and set-up against the UK targets: pure computations on plain records.

The set-up targets (DESIGN.md section 7, second round) are judged here, once each, on the day the result
became known. A clock starts on a day (day 0) and has `target` days; the target is
- met on the day it is reached, when that is within the window (day 0 … day `target`);
- missed on the first day past the window (day `target` + 1), whether or not it is reached later;
- pending (counted nowhere) while still inside the window, or while its clock has not started.
A judgement counts in the period holding its decided day, and only once that day is not after today.

| target | clock starts | reached | days |
|---|---|---|---|
| approval (study) | regulatory submission | regulatory approval | 60, 90 for an advanced therapy |
| site open | the later of approval and site selection (both needed) | site open | 60 |
| first participant | site open | first participant at the site | 30 |
| 150 days (study) | regulatory submission | first participant at any of its sites | 150 |
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

MET, MISSED, PENDING = "met", "missed", "pending"


@dataclass(frozen=True)
class InvitationRecord:
    routed_on: datetime.date
    deadline: datetime.date
    answered_on: datetime.date | None = None  # first answer
    decision: str | None = None
    awaited: bool = True  # the request still circulates; after the summary an unanswered one is not overdue


@dataclass(frozen=True)
class SetupRecord:
    days_to_approval: int | None
    approval_target: int
    days_to_open: int | None
    days_to_first_participant: int | None
    days_overall: int | None


def pct(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def median(values: Iterable[float | int | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(float(statistics.median(present)), 1) if present else None


@dataclass(frozen=True)
class Judgement:
    status: str  # met, missed or pending
    decided_on: datetime.date | None  # the day the result became known; None while pending
    deadline: datetime.date | None  # the last day within the target; None before the clock starts
    days: int | None = None  # days taken, when reached

    @property
    def decided(self) -> bool:
        return self.status != PENDING


def judge(start: datetime.date | None, reached: datetime.date | None, target: int, today: datetime.date) -> Judgement:
    """Judge one target: met on the day reached within `target` days of `start`, missed on day `target` + 1,
    pending until then (or while the clock has not started). Nothing after `today` is known yet."""
    if start is None:
        return Judgement(PENDING, None, None)
    deadline = start + datetime.timedelta(days=target)
    days = (reached - start).days if reached and reached <= today else None
    if days is not None and reached <= deadline:
        return Judgement(MET, reached, deadline, days)
    missed_on = deadline + datetime.timedelta(days=1)
    if missed_on <= today:
        return Judgement(MISSED, missed_on, deadline, days)
    return Judgement(PENDING, None, deadline, days)


def later_of(*days: datetime.date | None) -> datetime.date | None:
    """The latest of the days, or None unless every one is known (the open clock needs both approval and
    selection)."""
    return None if any(day is None for day in days) else max(days)


def earliest(days: Iterable[datetime.date | None]) -> datetime.date | None:
    known = [day for day in days if day is not None]
    return min(known) if known else None


def approval_judgement(
    submitted_on: datetime.date | None,
    approved_on: datetime.date | None,
    advanced_therapy: bool,
    today: datetime.date,
) -> Judgement:
    from feasibility.models import APPROVAL_TARGET_DAYS, APPROVAL_TARGET_DAYS_ADVANCED

    target = APPROVAL_TARGET_DAYS_ADVANCED if advanced_therapy else APPROVAL_TARGET_DAYS
    return judge(submitted_on, approved_on, target, today)


def open_judgement(
    approved_on: datetime.date | None,
    selected_on: datetime.date | None,
    opened_on: datetime.date | None,
    today: datetime.date,
) -> Judgement:
    from feasibility.models import OPEN_TARGET_DAYS

    return judge(later_of(approved_on, selected_on), opened_on, OPEN_TARGET_DAYS, today)


def first_participant_judgement(
    opened_on: datetime.date | None, first_participant_on: datetime.date | None, today: datetime.date
) -> Judgement:
    from feasibility.models import FIRST_PARTICIPANT_TARGET_DAYS

    return judge(opened_on, first_participant_on, FIRST_PARTICIPANT_TARGET_DAYS, today)


def overall_judgement(
    submitted_on: datetime.date | None,
    first_participants_on: Iterable[datetime.date | None],
    today: datetime.date,
) -> Judgement:
    """The study-level 150 days: from regulatory submission to the first participant at any of its sites."""
    from feasibility.models import OVERALL_TARGET_DAYS

    return judge(submitted_on, earliest(first_participants_on), OVERALL_TARGET_DAYS, today)


def decided_between(judgements: Iterable[Judgement], start: datetime.date, end: datetime.date) -> list[Judgement]:
    """The judgements decided from `start` to `end` (inclusive): those a period counts."""
    return [j for j in judgements if j.decided_on is not None and start <= j.decided_on <= end]


def target_share(judgements: Iterable[Judgement], start: datetime.date, end: datetime.date) -> tuple[int, float | None]:
    """(how many were decided in the period, the share of those met), the share None when none was decided."""
    decided = decided_between(judgements, start, end)
    return len(decided), pct(sum(1 for j in decided if j.status == MET), len(decided))


def target_status(days: int | None, target: int) -> str:
    if days is None:
        return PENDING
    return MET if days <= target else MISSED


def invitation_scorecard(records: Iterable[InvitationRecord], today: datetime.date) -> dict:
    records = list(records)
    answered = [r for r in records if r.answered_on]
    due = [r for r in records if r.answered_on or r.deadline < today]
    on_time = [r for r in answered if r.answered_on <= r.deadline]
    interested = [r for r in answered if r.decision == "interested"]
    return {
        "invitations": len(records),
        "answered": len(answered),
        "unanswered": len(records) - len(answered),
        "overdue": len([r for r in records if not r.answered_on and r.awaited and r.deadline < today]),
        "pct_on_time": pct(len(on_time), len(due)),
        "median_days_to_answer": median((r.answered_on - r.routed_on).days for r in answered),
        "pct_interested": pct(len(interested), len(answered)),
    }


def setup_scorecard(records: Iterable[SetupRecord]) -> dict:
    from feasibility.models import FIRST_PARTICIPANT_TARGET_DAYS, OPEN_TARGET_DAYS, OVERALL_TARGET_DAYS

    records = list(records)

    def share(values_targets):
        known = [(v, t) for v, t in values_targets if v is not None]
        return pct(len([1 for v, t in known if v <= t]), len(known))

    return {
        "setups": len(records),
        "median_days_to_approval": median(r.days_to_approval for r in records),
        "median_days_to_open": median(r.days_to_open for r in records),
        "median_days_to_first_participant": median(r.days_to_first_participant for r in records),
        "median_days_overall": median(r.days_overall for r in records),
        "pct_approval_within_target": share((r.days_to_approval, r.approval_target) for r in records),
        "pct_open_within_60": share((r.days_to_open, OPEN_TARGET_DAYS) for r in records),
        "pct_first_within_30": share((r.days_to_first_participant, FIRST_PARTICIPANT_TARGET_DAYS) for r in records),
        "pct_within_150": share((r.days_overall, OVERALL_TARGET_DAYS) for r in records),
    }


def share_status(share: float | None, goal: float = 90.0) -> str:
    """Each stage is meant to be met by 90% of studies."""
    if share is None:
        return PENDING
    return MET if share >= goal else MISSED


# Set-ups awaited: what each open site or study waits for, and by when (DESIGN.md section 7, second round).
AT_RISK, OVERDUE = "at_risk", "overdue"
APPROVAL, OPENING, FIRST_PARTICIPANT, STUDY_150 = "approval", "opening", "first participant", "150 days"


@dataclass(frozen=True)
class Awaited:
    milestone: str
    deadline: datetime.date


def _after(start: datetime.date, days: int) -> datetime.date:
    """The last day a target of `days` days from `start` is met on (day `days`; missed on day `days + 1`)."""
    return start + datetime.timedelta(days=days)


def awaited_by_site(
    *,
    approved: datetime.date | None,
    selected: datetime.date | None,
    opened: datetime.date | None,
    first_participant: datetime.date | None,
) -> Awaited | None:
    """The milestone a site waits for: opening (60 days from the later of the study's approval and the site's
    selection; both needed), then its first participant (30 days from opening). None once recruited, or while
    the open clock has not started."""
    from feasibility.models import FIRST_PARTICIPANT_TARGET_DAYS, OPEN_TARGET_DAYS

    if first_participant:
        return None
    if opened:
        return Awaited(FIRST_PARTICIPANT, _after(opened, FIRST_PARTICIPANT_TARGET_DAYS))
    if approved and selected:
        return Awaited(OPENING, _after(max(approved, selected), OPEN_TARGET_DAYS))
    return None


def awaited_by_study(
    *,
    submitted: datetime.date | None,
    approved: datetime.date | None,
    advanced_therapy: bool,
    first_participant_anywhere: datetime.date | None,
) -> Awaited | None:
    """The milestone a study waits for: approval (60 days from submission, 90 for an advanced therapy), then
    its first participant at any site (150 days from submission). None before submission or once recruiting."""
    from feasibility.models import APPROVAL_TARGET_DAYS, APPROVAL_TARGET_DAYS_ADVANCED, OVERALL_TARGET_DAYS

    if not submitted or first_participant_anywhere:
        return None
    if not approved:
        days = APPROVAL_TARGET_DAYS_ADVANCED if advanced_therapy else APPROVAL_TARGET_DAYS
        return Awaited(APPROVAL, _after(submitted, days))
    return Awaited(STUDY_150, _after(submitted, OVERALL_TARGET_DAYS))


def risk(deadline: datetime.date, today: datetime.date, warn_until: datetime.date) -> str | None:
    """Overdue once past the deadline (missed on the day after it); at risk when the deadline falls between
    today and `warn_until` (10 UK working days ahead); otherwise nothing to flag."""
    if deadline < today:
        return OVERDUE
    if deadline <= warn_until:
        return AT_RISK
    return None
