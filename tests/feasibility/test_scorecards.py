"""Scorecards counted by the database: the same figures as the pure rule, over a period, in fixed queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from capabilities.models import Centre
from feasibility import kpis, selectors
from tests.factories import CentreResponseFactory, InvitationFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _at(days_ago: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days_ago)


def _history(centre):
    """Answered on time, answered late, interested, unanswered and overdue, unanswered on a closed round."""
    on_time = InvitationFactory(centre=centre, routed_at=_at(40), deadline=TODAY - datetime.timedelta(days=20))
    CentreResponseFactory(invitation=on_time, decision="interested", first_responded_at=_at(35))
    late = InvitationFactory(centre=centre, routed_at=_at(30), deadline=TODAY - datetime.timedelta(days=20))
    CentreResponseFactory(
        invitation=late, decision="declined", decline_reason="no_capacity", first_responded_at=_at(10)
    )
    InvitationFactory(centre=centre, routed_at=_at(20), deadline=TODAY - datetime.timedelta(days=5))
    InvitationFactory(
        centre=centre, routed_at=_at(20), deadline=TODAY - datetime.timedelta(days=5), request__status="summary_sent"
    )
    InvitationFactory(centre=centre, routed_at=_at(2))


def test_it_counts_in_the_database_what_the_pure_rule_counts(leeds):
    _history(leeds)
    records = [
        kpis.InvitationRecord(
            routed_on=timezone.localdate(i.routed_at),
            deadline=i.deadline,
            answered_on=timezone.localdate(i.response.first_responded_at) if hasattr(i, "response") else None,
            decision=i.response.decision if hasattr(i, "response") else None,
            awaited=i.request.status == "circulating",
        )
        for i in leeds.invitations.all()
    ]
    cards = selectors.invitation_cards(Centre.objects.filter(pk=leeds.pk), start=None, end=TODAY, today=TODAY)
    assert cards[leeds.pk] == kpis.invitation_scorecard(records, TODAY)
    assert cards[leeds.pk] == {
        "invitations": 5,
        "answered": 2,
        "unanswered": 3,
        "overdue": 1,
        "pct_on_time": 25.0,  # one of the four due: on time, late, and two unanswered past the deadline
        "median_days_to_answer": 12.5,
        "pct_interested": 50.0,
    }


def test_it_counts_only_invitations_routed_in_the_period_but_every_overdue_answer(leeds):
    _history(leeds)
    old = InvitationFactory(centre=leeds, routed_at=_at(800), deadline=TODAY - datetime.timedelta(days=780))
    CentreResponseFactory(invitation=old, first_responded_at=_at(790))
    InvitationFactory(centre=leeds, routed_at=_at(700), deadline=TODAY - datetime.timedelta(days=690))
    card = selectors.invitation_cards(
        Centre.objects.filter(pk=leeds.pk), start=TODAY - datetime.timedelta(days=365), end=TODAY, today=TODAY
    )[leeds.pk]
    assert card["invitations"] == 5
    assert card["overdue"] == 2  # the one from two years ago is still awaited


def test_it_shows_the_period_and_keeps_a_wrong_one_on_its_field(client, alice, leeds):
    _history(leeds)
    client.force_login(alice)
    html = client.get(reverse("feasibility:scorecard-list")).content.decode()
    assert "(the last 12 months)" in html and "Leeds ECMC" in html
    start = (TODAY - datetime.timedelta(days=25)).isoformat()
    html = client.get(reverse("feasibility:scorecard-list"), {"start": start}).content.decode()
    assert f"Invitations routed {(TODAY - datetime.timedelta(days=25)):%-d %b %Y}" in html
    response = client.get(reverse("feasibility:scorecard-list"), {"start": TODAY.isoformat(), "end": "2020-01-01"})
    assert response.status_code == 200
    assert "The end of the period cannot come before its start." in response.content.decode()
    response = client.get(reverse("feasibility:scorecard", args=[leeds.pk]), {"start": "not a day"})
    assert response.status_code == 200 and "Enter a valid date." in response.content.decode()


@pytest.mark.parametrize("name", ["feasibility:scorecard-list", "feasibility:scorecard"])
def test_its_queries_do_not_grow_from_3_to_30_invitations(client, alice, leeds, name, django_assert_max_num_queries):
    client.force_login(alice)
    url = reverse(name, args=[leeds.pk] if name == "feasibility:scorecard" else [])

    def grow(n):
        for _ in range(n):
            CentreResponseFactory(invitation=InvitationFactory(centre=leeds))
            InvitationFactory(centre=leeds, deadline=TODAY - datetime.timedelta(days=n % 2))

    grow(3)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    grow(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
