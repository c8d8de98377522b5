"""A request's progress as its sponsor sees it (pure): received, circulated, answers due, answer released, outcome.

It names no centre and shows no answer: the sponsor learns how many centres were asked and when the
answers are due, and reads the answers themselves only in the collated summary the office releases.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

OUTCOME_WORDS = {
    "placed": "Placed in the network",
    "not_placed": "Not placed in the network",
    "withdrawn": "Withdrawn",
}


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    when: datetime.date | None = None
    detail: str = ""


def timeline_steps(
    *,
    received_on: datetime.date,
    status: str,
    centres: int,
    first_routed_on: datetime.date | None,
    answers_due_on: datetime.date | None,
    released_on: datetime.date | None,
    closed_on: datetime.date | None,
    today: datetime.date,
) -> list[Step]:
    """The five steps of a request, each done or still to come, with its date when known."""
    plural = "s" if centres != 1 else ""
    steps = [Step("Received", True, received_on, "The Programme Office is checking it.")]
    if centres:
        steps.append(Step(f"Circulated to {centres} centre{plural}", True, first_routed_on))
    else:
        steps.append(Step("Circulated to centres", False, detail="Not yet circulated."))
    if answers_due_on:
        passed = answers_due_on < today or released_on is not None
        steps.append(Step("Answers due", passed, answers_due_on, "" if passed else "Centres are answering."))
    else:
        steps.append(Step("Answers due", False, detail="Set when the request is circulated."))
    if released_on:
        steps.append(Step("Collated answer released", True, released_on, "Download it below."))
    else:
        steps.append(Step("Collated answer released", False, detail="You are emailed when it is ready."))
    if status in OUTCOME_WORDS:
        steps.append(Step(OUTCOME_WORDS[status], True, closed_on))
    else:
        steps.append(Step("Outcome", False, detail="Recorded once you choose your sites."))
    return steps


def current_step(steps: list[Step]) -> Step:
    """The latest step done: what the sponsor's list shows as the request's stage."""
    done = [s for s in steps if s.done]
    return done[-1] if done else steps[0]
