"""The report's and the dashboards' figures are cached under the version of their records: a write of any kind
shows on the next load, and a load between writes computes nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.reports import annual_report, records_version, year_so_far
from tests.factories import (
    CentreFactory,
    CentreResponseFactory,
    EngagementFactory,
    FeasibilityRequestFactory,
    InvitationFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def _engagements_so_far(client) -> int:
    headlines = {h["key"]: h for h in client.get(reverse("crm:home")).context["so_far_headlines"]}
    return headlines["engagements"]["value"]


def test_it_shows_a_new_engagement_on_the_next_dashboard_load(client_for, alice):
    c = client_for(alice)
    EngagementFactory(occurred_on=timezone.localdate())
    assert _engagements_so_far(c) == 1
    EngagementFactory(occurred_on=timezone.localdate())
    assert _engagements_so_far(c) == 2


def test_it_shows_a_deleted_engagement_gone_on_the_next_load():
    kept, gone = EngagementFactory(occurred_on=D(2025, 3, 1)), EngagementFactory(occurred_on=D(2025, 3, 2))
    assert annual_report(2025)["engagements"]["total"] == 2
    gone.delete()
    assert annual_report(2025)["engagements"]["total"] == 1
    assert kept.pk


def test_it_shows_an_answer_on_the_next_report_load():
    invitation = InvitationFactory(request=FeasibilityRequestFactory(received_on=D(2025, 5, 1)), centre=CentreFactory())
    assert annual_report(2025)["feasibility"]["with_interest"] == 0
    CentreResponseFactory(invitation=invitation, decision="interested")
    assert annual_report(2025)["feasibility"]["with_interest"] == 1


def test_it_shows_an_organisation_added_to_an_engagement_and_a_change_of_its_kind():
    engagement = EngagementFactory(occurred_on=D(2025, 6, 1))
    before = annual_report(2025)["engagements"]
    organisation = OrganisationFactory(kind="charity")
    engagement.organisations.add(organisation)
    after = annual_report(2025)["engagements"]
    assert after["partners_engaged"] == before["partners_engaged"] + 1
    organisation.kind = "pharma"
    organisation.save()
    changed = annual_report(2025)["engagements"]
    assert (changed["partners_engaged"], changed["organisations_engaged"]) == (
        before["partners_engaged"],
        before["organisations_engaged"] + 1,
    )


def test_it_shows_a_renamed_centre_on_the_next_load():
    centre = CentreFactory(name="Leeds")
    InvitationFactory(request=FeasibilityRequestFactory(received_on=D(2025, 5, 1)), centre=centre)
    assert [c["name"] for c in annual_report(2025)["feasibility"]["centres"]] == ["Leeds"]
    centre.name = "Leeds Teaching Hospitals"
    centre.save()
    assert [c["name"] for c in annual_report(2025)["feasibility"]["centres"]] == ["Leeds Teaching Hospitals"]


def test_it_reads_the_cached_figures_in_one_query_between_writes(django_assert_num_queries):
    EngagementFactory(occurred_on=D(2025, 3, 1))
    annual_report(2025)
    year_so_far(D(2026, 3, 1))
    # The records' version (the cache in tests is in memory; the production database cache adds one read).
    with django_assert_num_queries(1):
        assert annual_report(2025)["engagements"]["total"] == 1
    with django_assert_num_queries(1):
        assert year_so_far(D(2026, 3, 1))["previous_year"]["engagements"]["total"] == 1


def test_it_keeps_a_report_per_year_per_kind_of_year_and_per_day():
    EngagementFactory(occurred_on=D(2025, 2, 1))
    EngagementFactory(occurred_on=D(2025, 5, 1))
    assert annual_report(2025)["engagements"]["total"] == 2
    assert annual_report(2025, financial=True)["engagements"]["total"] == 1
    assert annual_report(2024)["engagements"]["total"] == 0
    assert year_so_far(D(2025, 3, 1))["engagements"]["total"] == 1
    assert year_so_far(D(2025, 6, 1))["engagements"]["total"] == 2


def test_it_changes_the_records_version_with_every_write():
    first = records_version()
    engagement = EngagementFactory(occurred_on=D(2025, 3, 1))
    second = records_version()
    engagement.delete()
    assert len({first, second, records_version()}) == 3


def test_it_shows_a_new_engagement_on_the_next_report_page_load(client_for, alice):
    c = client_for(alice)
    page = reverse("crm:annual-report", args=[2025])
    EngagementFactory(occurred_on=D(2025, 3, 1))

    def engagements() -> tuple[int, int]:
        context = c.get(page).context
        headline = next(h for h in context["headlines"] if h["key"] == "engagements")
        return headline["value"], context["tables"]["engagements_by_month"]["rows"][2][1]

    assert engagements() == (1, 1)
    EngagementFactory(occurred_on=D(2025, 3, 9))
    assert engagements() == (2, 2)
