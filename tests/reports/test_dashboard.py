"""The home dashboards: the year so far, follow-ups and outstanding answers, each centre's scorecard."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.reports import year_so_far
from tests.factories import (
    CentreCapabilityFactory,
    CentreFactory,
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


def test_it_lists_outstanding_answers_of_circulating_requests_soonest_deadline_first(client_for, alice, leeds):
    days = datetime.timedelta
    later = InvitationFactory(centre=leeds, request__reference="FR-2026-0102", deadline=today() + days(9))
    overdue = InvitationFactory(centre=leeds, request__reference="FR-2026-0101", deadline=today() - days(2))
    soon = InvitationFactory(centre=leeds, request__reference="FR-2026-0103", deadline=today() + days(1))
    CentreResponseFactory(invitation=InvitationFactory(centre=leeds, request__reference="FR-2026-0104"))
    for status in ["triage", "summary_sent", "placed", "not_placed", "withdrawn"]:
        InvitationFactory(centre=leeds, request__status=status, request__reference=f"FR-2026-{status}")
    response = client_for(alice).get(HOME)
    assert response.context["outstanding"] == [overdue, soon, later]
    assert (response.context["outstanding_total"], response.context["outstanding_overdue"]) == (3, 1)
    html = response.content.decode()
    assert "1 overdue" in html
    assert "overdue · due" in html and html.count("overdue · due") == 1
    assert html.index("FR-2026-0101") < html.index("FR-2026-0103") < html.index("FR-2026-0102")
    assert reverse("feasibility:request-detail", args=[overdue.request_id]) in html


def test_it_counts_every_follow_up_and_outstanding_answer_beyond_the_ten_shown(client_for, alice, leeds):
    days = datetime.timedelta
    for i in range(13):
        FollowUpFactory(owner=alice, due_on=today() + days(i - 5))  # 5 overdue
        InvitationFactory(centre=leeds, deadline=today() + days(i - 4))  # 4 overdue
    FollowUpFactory(owner=alice, due_on=today() - days(9), done_on=today())
    CentreResponseFactory(invitation=InvitationFactory(centre=leeds, deadline=today() - days(9)))
    context = client_for(alice).get(HOME).context
    assert len(context["my_follow_ups"]) == len(context["outstanding"]) == 10
    assert (context["my_follow_ups_total"], context["overdue_follow_ups"]) == (13, 5)
    assert (context["outstanding_total"], context["outstanding_overdue"]) == (13, 4)
    assert context["my_follow_ups"][0].due_on == today() - days(5)


def test_it_reads_the_programme_office_dashboard_between_writes_in_few_queries(client_for, alice, leeds):
    client = client_for(alice)
    EngagementFactory(occurred_on=today())
    client.get(HOME)
    # Session and user 2; the figures' records version 1 (their cache is in memory in tests); follow-ups 1,
    # outstanding answers 1, profiles to check 2, set-ups awaited 2.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    assert len(queries) <= 9


def test_it_shows_the_programme_office_profiles_to_check(client_for, alice, leeds, manchester):
    stale = CentreFactory(name="Oxford ECMC", code="oxford")
    CentreCapabilityFactory(centre=stale, confirmed_on=today() - datetime.timedelta(days=400))
    CentreCapabilityFactory(
        centre=leeds, capability__name="JACIE accreditation", expires_on=today() + datetime.timedelta(days=30)
    )
    CentreCapabilityFactory(centre=manchester)  # confirmed today, nothing expiring
    response = client_for(alice).get(HOME)
    flagged = {flags.centre.code: flags for flags in response.context["profiles_to_check"]}
    assert set(flagged) == {"oxford", "leeds"}
    assert (flagged["oxford"].stale_count, flagged["leeds"].expiring_count) == (1, 1)
    html = response.content.decode()
    assert 'data-testid="profiles-to-check"' in html
    assert reverse("capabilities:centre-detail", args=[stale.pk]) in html
    assert "JACIE accreditation · expires" in html
    assert 'data-centre="manchester"' not in html


def test_it_says_so_when_every_profile_is_current(client_for, alice, leeds):
    CentreCapabilityFactory(centre=leeds)
    html = client_for(alice).get(HOME).content.decode()
    assert "Every centre's profile is current" in html


def test_it_shows_centre_staff_the_requests_they_may_still_answer(client_for, bob, leeds, manchester):
    days = datetime.timedelta
    later = InvitationFactory(centre=leeds, deadline=today() + days(9))
    due_today = InvitationFactory(centre=leeds, deadline=today())
    InvitationFactory(centre=leeds, deadline=today() - days(1))
    InvitationFactory(centre=leeds, deadline=today() - days(3))
    CentreResponseFactory(invitation=InvitationFactory(centre=leeds))
    InvitationFactory(centre=leeds, request__status="withdrawn")
    InvitationFactory(centre=manchester)
    response = client_for(bob).get(HOME)
    assert response.context["to_answer"] == [due_today, later]
    html = response.content.decode()
    assert reverse("feasibility:answer", args=[due_today.pk]) in html
    assert "due today" in html
    assert "2 requests passed their deadline without an answer" in html


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


def _queries_for_home(client, rows, alice, leeds):
    for i in range(rows):
        EngagementFactory(occurred_on=today() - datetime.timedelta(days=i % 20))
        request = FeasibilityRequestFactory(received_on=today() - datetime.timedelta(days=i % 20))
        InvitationFactory(request=request, centre=leeds, deadline=today() + datetime.timedelta(days=i % 7 - 3))
        FollowUpFactory(owner=alice, due_on=today() + datetime.timedelta(days=i % 7 - 3))
        centre = CentreFactory()
        CentreCapabilityFactory(centre=centre, confirmed_on=today() - datetime.timedelta(days=400))
        CentreCapabilityFactory(centre=centre, expires_on=today() + datetime.timedelta(days=i))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


def test_it_reads_the_programme_office_dashboard_in_a_constant_number_of_queries(client_for, alice, leeds):
    client = client_for(alice)
    few = _queries_for_home(client, 3, alice, leeds)
    cache.clear()
    many = _queries_for_home(client, 30, alice, leeds)
    assert few == many
    assert len(client.get(HOME).context["profiles_to_check"]) == 34  # and Leeds, with no profile


def test_it_reads_a_centres_dashboard_in_a_constant_number_of_queries(client_for, bob, leeds):
    client = client_for(bob)

    def queries(rows):
        for i in range(rows):
            InvitationFactory(centre=leeds, deadline=today() + datetime.timedelta(days=i % 7 - 3))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        return len(captured)

    assert queries(3) == queries(30)


def test_it_points_viewers_to_what_they_can_read(client_for, victor):
    html = client_for(victor).get(HOME).content.decode()
    for name in ["crm:annual-report-latest", "feasibility:scorecard-list", "capabilities:centre-list"]:
        assert f'href="{reverse(name)}"' in html
