"""The home dashboards: the year so far, follow-ups and outstanding answers, each centre's scorecard."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.reports import year_so_far
from tests.factories import (
    CentreResponseFactory,
    EngagementFactory,
    FeasibilityRequestFactory,
    FollowUpFactory,
    InvitationFactory,
)

pytestmark = pytest.mark.django_db

HOME = reverse("crm:home")


def today():
    return timezone.localdate()


def test_it_shows_the_programme_office_the_year_so_far(client_for, alice):
    EngagementFactory(occurred_on=today())
    EngagementFactory(occurred_on=today().replace(year=today().year - 1))
    response = client_for(alice).get(HOME)
    html = response.content.decode()
    assert 'data-testid="year-so-far"' in html
    assert f"{today().year} so far" in html
    figures = {h["key"]: h for h in response.context["so_far_headlines"]}
    assert (figures["engagements"]["value"], figures["engagements"]["previous"]) == (1, 1)
    assert html.count("data:image/svg+xml;base64,") == 2


def test_it_compares_the_year_so_far_with_the_same_stretch_of_last_year():
    day = datetime.date(2026, 3, 15)
    EngagementFactory(occurred_on=datetime.date(2025, 3, 15))
    EngagementFactory(occurred_on=datetime.date(2025, 3, 16))  # after the same day last year
    figures = year_so_far(day)
    assert figures["period"] == {"start": "2026-01-01", "end": "2026-03-15"}
    assert figures["previous_year"]["engagements"]["total"] == 1


def test_it_lists_my_follow_ups_overdue_first(client_for, alice):
    FollowUpFactory(owner=alice, due_on=today() + datetime.timedelta(days=3), text="Send the directory")
    FollowUpFactory(owner=alice, due_on=today() - datetime.timedelta(days=2), text="Chase the CDA")
    FollowUpFactory(due_on=today() - datetime.timedelta(days=5), text="Someone else's")
    html = client_for(alice).get(HOME).content.decode()
    assert html.index("Chase the CDA") < html.index("Send the directory")
    assert "Someone else&#x27;s" not in html
    assert "1 overdue" in html


def test_it_lists_outstanding_answers(client_for, alice, leeds):
    InvitationFactory(centre=leeds, request__reference="FR-2026-0101")
    html = client_for(alice).get(HOME).content.decode()
    assert "FR-2026-0101" in html


def test_it_shows_viewers_the_figures_only(client_for, victor):
    html = client_for(victor).get(HOME).content.decode()
    assert 'data-testid="year-so-far"' in html
    assert 'data-testid="my-follow-ups"' not in html


def test_it_shows_centre_staff_their_own_centres_scorecard(client_for, bob, leeds, manchester):
    now = timezone.now()
    answered = InvitationFactory(centre=leeds, routed_at=now - datetime.timedelta(days=10), deadline=today())
    CentreResponseFactory(invitation=answered, first_responded_at=now - datetime.timedelta(days=6))
    InvitationFactory(
        centre=leeds, routed_at=now - datetime.timedelta(days=30), deadline=today() - datetime.timedelta(days=5)
    )
    InvitationFactory(centre=manchester)
    response = client_for(bob).get(HOME)
    html = response.content.decode()
    assert 'data-testid="year-so-far"' not in html
    [card] = response.context["scorecards"]
    assert card["centre"] == leeds
    assert (card["invitations"], card["answered_on_time_pct"], card["median_days_to_answer"]) == (2, 50.0, 4.0)
    assert card["interested_pct"] == 100.0
    assert 'data-centre="leeds"' in html and 'data-centre="manchester"' not in html


@pytest.mark.parametrize("rows", [3, 30])
def test_it_reads_the_dashboard_in_a_constant_number_of_queries(
    rows, client_for, alice, leeds, django_assert_max_num_queries
):
    for i in range(rows):
        EngagementFactory(occurred_on=today() - datetime.timedelta(days=i % 20))
        request = FeasibilityRequestFactory(received_on=today() - datetime.timedelta(days=i % 20))
        InvitationFactory(request=request, centre=leeds)
        FollowUpFactory(owner=alice)
    c = client_for(alice)
    with django_assert_max_num_queries(40):
        assert c.get(HOME).status_code == 200
