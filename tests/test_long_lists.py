"""Long lists are cut to a page in the database and say where they are cut ("50 of 61 overdue")."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from feasibility.views.answers import OUTSTANDING_PER_PAGE
from tests.factories import CentreResponseFactory, FeasibilityRequestFactory, FollowUpFactory, InvitationFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_it_pages_outstanding_answers_overdue_and_waiting_apart(client_for, alice, leeds):
    InvitationFactory.create_batch(OUTSTANDING_PER_PAGE + 11, centre=leeds, deadline=TODAY - datetime.timedelta(days=1))
    InvitationFactory.create_batch(3, centre=leeds)
    client = client_for(alice)
    html = client.get(reverse("feasibility:outstanding")).content.decode()
    assert f"1–{OUTSTANDING_PER_PAGE} of {OUTSTANDING_PER_PAGE + 11} overdue" in html
    assert html.count('name="deadline"') == 3  # the waiting ones, not cut
    html = client.get(reverse("feasibility:outstanding"), {"overdue": 2}).content.decode()
    assert f"{OUTSTANDING_PER_PAGE + 1}–{OUTSTANDING_PER_PAGE + 11} of {OUTSTANDING_PER_PAGE + 11} overdue" in html
    assert "?overdue=1" in html


def test_it_pages_my_follow_ups(client_for, alice):
    FollowUpFactory.create_batch(30, owner=alice, due_on=TODAY - datetime.timedelta(days=2))
    html = client_for(alice).get(reverse("engagements:followup-list")).content.decode()
    assert "1–25 of 30 open follow-ups of yours" in html
    assert "mine=2" in html


def test_it_says_where_the_dashboard_cuts_my_follow_ups(client_for, alice):
    FollowUpFactory.create_batch(11, owner=alice, due_on=TODAY - datetime.timedelta(days=2))
    FollowUpFactory.create_batch(4, owner=alice)
    html = client_for(alice).get(reverse("crm:home")).content.decode()
    assert "The 10 soonest of 15 open, 11 overdue." in html


def test_it_counts_invitations_and_answers_on_the_request_list_page(client_for, alice, leeds, manchester):
    request = FeasibilityRequestFactory(status="circulating")
    CentreResponseFactory(invitation=InvitationFactory(request=request, centre=leeds), decision="interested")
    InvitationFactory(request=request, centre=manchester)
    response = client_for(alice).get(reverse("feasibility:request-list"))
    (row,) = [r for r in response.context["page"] if r.pk == request.pk]
    assert (row.invited, row.answered, row.interested) == (2, 1, 1)


@pytest.mark.parametrize("name", ["feasibility:outstanding", "engagements:followup-list", "crm:home"])
def test_its_queries_do_not_grow_from_3_to_30_rows(client_for, alice, leeds, name, django_assert_max_num_queries):
    client = client_for(alice)

    def grow(n):
        for i in range(n):
            InvitationFactory(centre=leeds, deadline=TODAY - datetime.timedelta(days=i % 2))
            FollowUpFactory(owner=alice, due_on=TODAY - datetime.timedelta(days=i % 3))

    grow(3)
    with django_assert_max_num_queries(60) as small:
        client.get(reverse(name))
    grow(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse(name))


def test_filter_drop_downs_offer_this_years_organisations_and_events_but_take_any(client_for, alice):
    from tests.factories import EngagementFactory, EventFactory, OrganisationFactory

    long_ago = TODAY - datetime.timedelta(days=3000)
    old = OrganisationFactory(name="Oldfield Pharma", created_at=timezone.now() - datetime.timedelta(days=3000))
    recent = OrganisationFactory(name="Newgate Bio")
    old_event = EventFactory(name="ESMO 2018", starts_on=long_ago)
    EventFactory(name="ESMO this year")
    EngagementFactory(occurred_on=long_ago, organisations=[old], event=old_event, subject="Old meeting")
    EngagementFactory(organisations=[recent], subject="New meeting")
    client = client_for(alice)
    html = client.get(reverse("engagements:engagement-list")).content.decode()
    assert ">Newgate Bio</option>" in html and ">ESMO this year</option>" in html
    assert ">Oldfield Pharma</option>" not in html and ">ESMO 2018</option>" not in html
    # A link from the organisation's own page still filters by it, and offers it as chosen.
    html = client.get(reverse("engagements:engagement-list"), {"organisation": old.pk}).content.decode()
    assert "Old meeting" in html and "New meeting" not in html
    assert re.search(rf'<option value="{old.pk}" selected\s*>Oldfield Pharma</option>', html)
