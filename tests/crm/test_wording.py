"""Pages speak plainly: plurals, reasons with their counts, labels without stray colons, cut lists that say so."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from feasibility import services
from tests.factories import FeasibilityRequestFactory, FollowUpFactory

pytestmark = pytest.mark.django_db


def test_it_words_declines_as_reason_then_count(client, alice, bob, carol, leeds, manchester):
    request = FeasibilityRequestFactory(status="triage")
    one, two = services.route_request(
        actor=alice, request=request, centres=[leeds, manchester], override_reason="Known"
    )
    services.submit_response(actor=bob, invitation=one, decision="declined", decline_reason="no_population")
    services.submit_response(actor=carol, invitation=two, decision="interested", estimated_patients=1)
    client.force_login(alice)
    page = client.get(reverse("feasibility:sponsor-summary", args=[request.pk])).content.decode()
    assert "1 declined — no patient population (1)" in page
    assert "estimating <strong>1</strong> patient in total" in page
    assert "(s)" not in page


def test_it_says_how_many_of_my_follow_ups_the_dashboard_leaves_out(client, alice):
    today = timezone.localdate()
    FollowUpFactory.create_batch(11, owner=alice, due_on=today - datetime.timedelta(days=1))
    FollowUpFactory.create_batch(3, owner=alice, due_on=today + datetime.timedelta(days=5))
    client.force_login(alice)
    page = client.get(reverse("crm:home")).content.decode()
    assert "The 10 soonest of 14 open, 11 overdue." in page


def test_it_labels_checkboxes_without_a_trailing_colon(client, alice):
    client.force_login(alice)
    page = (
        client.get(reverse("crm:system")).content.decode()
        + client.get(reverse("engagements:event-create")).content.decode()
    )
    assert ":</label>" not in page
