"""Every linked figure of the report lands on a list filtered the same way (crm/report_views.py trace_links).

Each test follows the link as alice and checks the list holds exactly the records the figure counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from feasibility.models import FeasibilityRequest
from tests.factories import (
    CentreFactory,
    CentreResponseFactory,
    EngagementFactory,
    EventFactory,
    FeasibilityRequestFactory,
    InvitationFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def _report(client, year=2025, financial=False):
    url = reverse("crm:annual-report", args=[year]) + ("?financial=1" if financial else "")
    response = client.get(url)
    assert response.status_code == 200
    return response


def _listed(client, url) -> set[int]:
    """The primary keys of every row the list at `url` holds (all pages)."""
    response = client.get(url)
    assert response.status_code == 200
    return set(response.context["page"].paginator.object_list.values_list("pk", flat=True))


def _headline(response, key) -> dict:
    return next(h for h in response.context["headlines"] if h["key"] == key)


def _row_link(response, table, label) -> str:
    return next(row["link"] for row in response.context["tables"][table]["body"] if row["first"] == label)


@pytest.fixture
def engagements():
    counted = [
        EngagementFactory(occurred_on=D(2025, 1, 1), kind="call"),
        EngagementFactory(occurred_on=D(2025, 3, 31), kind="meeting"),
        EngagementFactory(occurred_on=D(2025, 12, 31), kind="call"),
    ]
    EngagementFactory(occurred_on=D(2024, 12, 31), kind="call")
    EngagementFactory(occurred_on=D(2026, 1, 1), kind="call")
    return counted


def test_it_links_the_engagement_total_to_exactly_those_engagements(client_for, alice, engagements):
    client = client_for(alice)
    response = _report(client)
    headline = _headline(response, "engagements")
    assert headline["value"] == 3
    assert f'href="{escape(headline["url"])}"' in response.content.decode()
    assert _listed(client, headline["url"]) == {e.pk for e in engagements}


def test_it_links_each_kind_of_engagement_to_that_kind_in_the_year(client_for, alice, engagements):
    client = client_for(alice)
    response = _report(client)
    calls = _listed(client, _row_link(response, "engagements_by_kind", "Call"))
    assert calls == {engagements[0].pk, engagements[2].pk}
    assert response.context["report"]["engagements"]["by_kind"]["call"] == len(calls)


def test_it_links_each_month_to_that_months_engagements(client_for, alice, engagements):
    client = client_for(alice)
    response = _report(client)
    assert _listed(client, _row_link(response, "engagements_by_month", "March 2025")) == {engagements[1].pk}
    assert _listed(client, _row_link(response, "engagements_by_month", "February 2025")) == set()


def test_it_links_a_financial_years_engagements_to_april_to_march(client_for, alice, engagements):
    client = client_for(alice)
    december = EngagementFactory(occurred_on=D(2024, 12, 1))
    EngagementFactory(occurred_on=D(2025, 4, 1))
    response = _report(client, year=2024, financial=True)
    headline = _headline(response, "engagements")
    assert headline["value"] == 4  # 31 Dec 2024, 1 Dec 2024, 1 Jan and 31 Mar 2025
    listed = _listed(client, headline["url"])
    assert len(listed) == 4
    assert {engagements[0].pk, engagements[1].pk, december.pk} <= listed


@pytest.fixture
def requests():
    counted = [
        FeasibilityRequestFactory(received_on=D(2025, 1, 2), modality="adc"),
        FeasibilityRequestFactory(received_on=D(2025, 12, 30), modality="adc"),
        FeasibilityRequestFactory(received_on=D(2025, 6, 1), modality="antibody"),
    ]
    FeasibilityRequestFactory(received_on=D(2024, 12, 31), modality="adc")
    FeasibilityRequestFactory(received_on=D(2026, 1, 1), modality="adc")
    return counted


def test_it_links_opportunities_received_to_that_years_requests(client_for, alice, requests):
    client = client_for(alice)
    response = _report(client)
    headline = _headline(response, "received")
    assert headline["value"] == 3
    assert _listed(client, headline["url"]) == {r.pk for r in requests}


def test_it_links_each_modality_to_that_years_requests_of_it(client_for, alice, requests):
    client = client_for(alice)
    response = _report(client)
    listed = _listed(client, _row_link(response, "feasibility_by_modality", "Antibody-drug conjugate"))
    assert listed == {requests[0].pk, requests[1].pk}
    assert response.context["report"]["feasibility"]["by_modality"]["adc"] == 2


def test_it_links_each_year_of_the_history_to_that_years_requests(client_for, alice, requests):
    client = client_for(alice)
    response = _report(client)
    assert len(_listed(client, _row_link(response, "history", "2024"))) == 1
    assert _listed(client, _row_link(response, "history", "2025")) == {r.pk for r in requests}


def test_it_links_a_financial_years_requests_to_april_to_march(client_for, alice, requests):
    client = client_for(alice)
    response = _report(client, year=2025, financial=True)
    headline = _headline(response, "received")
    # 2025/26 runs from 1 April 2025 to 31 March 2026: June and December 2025, and January 2026.
    assert headline["value"] == 3
    january = FeasibilityRequest.objects.get(received_on=D(2026, 1, 1))
    assert _listed(client, headline["url"]) == {requests[1].pk, requests[2].pk, january.pk}


def test_it_links_events_attended_to_the_events_of_the_year(client_for, alice):
    client = client_for(alice)
    congress = EventFactory(starts_on=D(2025, 6, 1))
    EngagementFactory(occurred_on=D(2025, 6, 2), event=congress)
    EventFactory(starts_on=D(2024, 6, 1))
    response = _report(client)
    headline = _headline(response, "events_attended")
    assert headline["value"] == 1
    assert _listed(client, headline["url"]) == {congress.pk}
    assert _row_link(response, "events", congress.name) == reverse("engagements:event-detail", args=[congress.pk])


def test_it_links_each_centre_to_its_scorecard(client_for, alice):
    client = client_for(alice)
    leeds = CentreFactory(name="Leeds ECMC", code="leeds")
    CentreResponseFactory(
        invitation=InvitationFactory(request=FeasibilityRequestFactory(received_on=D(2025, 5, 1)), centre=leeds)
    )
    response = _report(client)
    link = _row_link(response, "centres", "Leeds ECMC")
    assert link == reverse("feasibility:scorecard", args=[leeds.pk])
    assert client.get(link).status_code == 200


def test_it_links_the_dashboards_year_so_far_to_its_records(client_for, alice):
    from django.utils import timezone

    today = timezone.localdate()
    this_year = EngagementFactory(occurred_on=today)
    EngagementFactory(occurred_on=today + datetime.timedelta(days=1))  # planned, not yet counted
    EngagementFactory(occurred_on=today.replace(year=today.year - 1))
    client = client_for(alice)
    response = client.get(reverse("crm:home"))
    headline = next(h for h in response.context["so_far_headlines"] if h["key"] == "engagements")
    assert headline["value"] == 1
    assert f'href="{escape(headline["url"])}"' in response.content.decode()
    assert _listed(client, headline["url"]) == {this_year.pk}
