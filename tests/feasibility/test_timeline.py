"""The sponsor's timeline of a request (pure): each step done or to come, with its date."""

import datetime

from feasibility.timeline import current_step, timeline_steps

TODAY = datetime.date(2026, 11, 30)


def steps(**overrides):
    values = {
        "received_on": datetime.date(2026, 11, 2),
        "status": "triage",
        "centres": 0,
        "first_routed_on": None,
        "answers_due_on": None,
        "released_on": None,
        "closed_on": None,
        "today": TODAY,
    }
    return timeline_steps(**(values | overrides))


def test_it_starts_received_and_waits_for_circulation():
    result = steps()
    assert [s.done for s in result] == [True, False, False, False, False]
    assert current_step(result).label == "Received"


def test_it_counts_centres_and_shows_when_answers_are_due():
    result = steps(
        status="circulating",
        centres=3,
        first_routed_on=datetime.date(2026, 11, 5),
        answers_due_on=datetime.date(2026, 12, 10),
    )
    assert result[1].label == "Circulated to 3 centres" and result[1].done
    assert (result[2].label, result[2].when, result[2].done) == ("Answers due", datetime.date(2026, 12, 10), False)
    assert steps(centres=1, first_routed_on=TODAY)[1].label == "Circulated to 1 centre"


def test_it_marks_the_answer_released_and_the_outcome():
    result = steps(
        status="placed",
        centres=2,
        first_routed_on=datetime.date(2026, 11, 5),
        answers_due_on=datetime.date(2026, 11, 19),
        released_on=datetime.date(2026, 11, 20),
        closed_on=datetime.date(2026, 11, 28),
    )
    assert all(s.done for s in result)
    assert current_step(result).label == "Placed in the network"


def test_it_shows_a_withdrawal_before_circulation():
    result = steps(status="withdrawn", closed_on=TODAY)
    assert result[-1].label == "Withdrawn" and result[-1].done
    assert not result[1].done
