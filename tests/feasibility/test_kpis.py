"""Scorecard and set-up computations (pure)."""

import datetime

from feasibility.kpis import (
    InvitationRecord,
    SetupRecord,
    invitation_scorecard,
    median,
    pct,
    setup_scorecard,
    share_status,
    target_status,
)

D = datetime.date
TODAY = D(2026, 6, 30)


def test_it_scores_invitations():
    records = [
        InvitationRecord(D(2026, 6, 1), D(2026, 6, 15), D(2026, 6, 5), "interested"),  # on time, 4 days
        InvitationRecord(D(2026, 6, 1), D(2026, 6, 15), D(2026, 6, 20), "declined"),  # late, 19 days
        InvitationRecord(D(2026, 6, 1), D(2026, 6, 15)),  # overdue
        InvitationRecord(D(2026, 6, 25), D(2026, 7, 9)),  # not due yet: not counted against
    ]
    card = invitation_scorecard(records, TODAY)
    assert card["invitations"] == 4
    assert (card["answered"], card["unanswered"], card["overdue"]) == (2, 2, 1)
    assert card["pct_on_time"] == 33.3
    assert card["median_days_to_answer"] == 11.5
    assert card["pct_interested"] == 50.0


def test_it_gives_none_rather_than_zero_without_data():
    card = invitation_scorecard([], TODAY)
    assert card["pct_on_time"] is None and card["median_days_to_answer"] is None
    assert pct(0, 0) is None and median([None]) is None


def test_it_measures_set_up_against_the_targets():
    records = [
        SetupRecord(
            days_to_approval=50, approval_target=60, days_to_open=40, days_to_first_participant=20, days_overall=110
        ),
        SetupRecord(
            days_to_approval=80, approval_target=90, days_to_open=70, days_to_first_participant=35, days_overall=185
        ),
        SetupRecord(
            days_to_approval=None,
            approval_target=60,
            days_to_open=None,
            days_to_first_participant=None,
            days_overall=None,
        ),
    ]
    card = setup_scorecard(records)
    assert card["setups"] == 3
    assert card["pct_approval_within_target"] == 100.0
    assert card["pct_open_within_60"] == 50.0
    assert card["pct_first_within_30"] == 50.0
    assert card["pct_within_150"] == 50.0
    assert card["median_days_to_open"] == 55.0


def test_it_colours_targets():
    assert target_status(None, 60) == "pending"
    assert target_status(60, 60) == "met"
    assert target_status(61, 60) == "missed"
    assert share_status(None) == "pending"
    assert share_status(90.0) == "met"
    assert share_status(89.9) == "missed"


def test_it_makes_the_same_card_from_counts_as_from_records():
    from feasibility import kpis

    today = datetime.date(2026, 3, 10)
    records = [
        kpis.InvitationRecord(routed_on=datetime.date(2026, 3, 1), deadline=datetime.date(2026, 3, 5),
                              answered_on=datetime.date(2026, 3, 4), decision="interested"),
        kpis.InvitationRecord(routed_on=datetime.date(2026, 3, 1), deadline=datetime.date(2026, 3, 5),
                              answered_on=datetime.date(2026, 3, 8), decision="declined"),
        kpis.InvitationRecord(routed_on=datetime.date(2026, 3, 1), deadline=datetime.date(2026, 3, 5)),
        kpis.InvitationRecord(routed_on=datetime.date(2026, 3, 9), deadline=datetime.date(2026, 3, 20)),
    ]  # fmt: skip
    card = kpis.card_from_counts(
        invitations=4, answered=2, due=3, on_time=1, interested=1, overdue=1, days_to_answer=[3, 7]
    )
    assert card == kpis.invitation_scorecard(records, today)
    assert kpis.card_from_counts(
        invitations=0, answered=0, due=0, on_time=0, interested=0, overdue=0, days_to_answer=[]
    ) == kpis.invitation_scorecard([], today)
