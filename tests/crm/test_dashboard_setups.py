"""The dashboards' set-ups at risk and overdue (DESIGN.md section 7, second round): commercial studies only,
the milestone awaited, its deadline and the days left or over; centre staff see their own centres' sites."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import CentreFactory, FeasibilityRequestFactory, SiteSetUpFactory

pytestmark = pytest.mark.django_db
HOME = reverse("crm:home")
TODAY = timezone.localdate()


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def network(leeds, manchester):
    """A study whose Leeds site must open within 5 days (at risk); one whose Manchester site opened 40 days ago
    without a participant (10 days over); one awaiting approval for 100 days (40 over); a site just opened
    (28 days left: not flagged); and a collaborative study as late as any (never counted)."""
    approved = FeasibilityRequestFactory(
        reference="FR-2026-0101", status="placed", regulatory_submitted_on=ago(70), regulatory_approved_on=ago(55)
    )
    SiteSetUpFactory(request=approved, centre=leeds, selected_on=ago(56))
    opened = FeasibilityRequestFactory(
        reference="FR-2026-0102", status="placed", regulatory_submitted_on=ago(120), regulatory_approved_on=ago(90)
    )
    SiteSetUpFactory(request=opened, centre=manchester, selected_on=ago(90), opened_on=ago(40))
    SiteSetUpFactory(request=opened, centre=CentreFactory(name="Oxford ECMC"), selected_on=ago(90), opened_on=ago(2))
    awaiting = FeasibilityRequestFactory(reference="FR-2026-0103", status="placed", regulatory_submitted_on=ago(100))
    SiteSetUpFactory(request=awaiting, centre=leeds, selected_on=ago(95))
    academic = FeasibilityRequestFactory(
        reference="FR-2026-0104",
        status="placed",
        funding="non_commercial",
        regulatory_submitted_on=ago(300),
        regulatory_approved_on=ago(200),
    )
    SiteSetUpFactory(request=academic, centre=leeds, selected_on=ago(200))
    return approved, opened, awaiting


def _rows(response, key):
    return [
        (row["reference"], row.get("centre"), row["milestone"], row["flag"], row["days"])
        for row in response.context[key]
    ]


def test_it_shows_the_programme_office_sites_and_studies_at_risk_and_overdue(client_for, alice, network):
    response = client_for(alice).get(HOME)
    # the 150-day window of FR-2026-0102 closed 120 - 150 = 30 days from now: not yet within 10 working days
    assert _rows(response, "sites_awaited") == [
        ("FR-2026-0102", "Manchester ECMC", "first participant", "overdue", 10),
        ("FR-2026-0101", "Leeds ECMC", "opening", "at_risk", 5),
    ]
    assert _rows(response, "studies_awaited") == [("FR-2026-0103", None, "approval", "overdue", 40)]
    html = response.content.decode()
    table = html[html.index('data-testid="sites-awaited"') :]
    assert "10 days over" in table and "5 days left" in table
    assert "FR-2026-0104" not in html  # not commercial: outside the UK targets


def test_it_shows_centre_staff_only_their_own_sites(client_for, bob, carol, network):
    leeds_view = client_for(bob).get(HOME)
    assert _rows(leeds_view, "sites_awaited") == [("FR-2026-0101", "Leeds ECMC", "opening", "at_risk", 5)]
    assert leeds_view.context["studies_awaited"] == []
    html = leeds_view.content.decode()
    assert "FR-2026-0102" not in html and reverse("feasibility:outcome", args=[network[0].pk]) not in html
    manchester_view = client_for(carol).get(HOME)
    assert _rows(manchester_view, "sites_awaited") == [
        ("FR-2026-0102", "Manchester ECMC", "first participant", "overdue", 10)
    ]


def test_it_says_so_when_nothing_is_at_risk(client_for, victor):
    html = client_for(victor).get(HOME).content.decode()
    assert "No commercial set-up is at risk or overdue." in html


def test_it_reads_the_set_ups_in_a_constant_number_of_queries(client_for, alice, leeds):
    client = client_for(alice)

    def queries(rows):
        for i in range(rows):
            request = FeasibilityRequestFactory(
                status="placed", regulatory_submitted_on=ago(80 + i), regulatory_approved_on=ago(60 + i % 5)
            )
            SiteSetUpFactory(request=request, centre=CentreFactory(), selected_on=ago(60))
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        return len(captured)

    assert queries(2) == queries(20)
