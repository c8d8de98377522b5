"""crm/reports.py: every figure of the annual report against records made for it."""

import datetime

import pytest
from django.utils import timezone

from capabilities.models import ModalityRule
from crm import kpis
from crm.reports import (
    annual_report,
    centre_scorecards,
    engagement_figures,
    feasibility_figures,
    feasibility_history,
    headline_figures,
    setup_figures,
)
from engagements.models import Initiative
from feasibility.models import Requirement
from tests.factories import (
    CapabilityFactory,
    CentreFactory,
    CentreResponseFactory,
    EngagementFactory,
    EventFactory,
    FeasibilityRequestFactory,
    InvitationFactory,
    OrganisationFactory,
    SiteSetUpFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
Y2025 = kpis.period_for(2025)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def invite(request, centre, routed_on, answered_on=None, decision="interested", deadline=None):
    invitation = InvitationFactory(
        request=request, centre=centre, routed_at=at(routed_on), deadline=deadline or routed_on + datetime.timedelta(14)
    )
    if answered_on:
        CentreResponseFactory(
            invitation=invitation,
            decision=decision,
            decline_reason="no_capacity" if decision == "declined" else "",
            first_responded_at=at(answered_on, 16),
            responded_at=at(answered_on, 16),
        )
    return invitation


# Engagements ------------------------------------------------------------------------------------------


def test_it_gives_zeros_and_nulls_for_a_year_with_nothing_in_it():
    report = annual_report(2025)
    assert report["engagements"]["total"] == 0
    assert report["engagements"]["by_month"] == [0] * 12
    assert report["feasibility"]["with_interest_pct"] is None
    assert report["feasibility"]["median_response_days"] is None
    assert report["feasibility"]["response_rate_by_centre"] == {}
    assert report["setup"]["median_days_to_open"] is None
    assert report["setup"]["pct_within_150"] is None


def test_it_counts_engagements_by_kind_and_month():
    EngagementFactory(occurred_on=D(2025, 1, 1), kind="meeting")
    EngagementFactory(occurred_on=D(2025, 1, 31), kind="call")
    EngagementFactory(occurred_on=D(2025, 12, 31), kind="meeting")
    EngagementFactory(occurred_on=D(2024, 12, 31), kind="meeting")
    EngagementFactory(occurred_on=D(2026, 1, 1), kind="meeting")
    figures = engagement_figures(Y2025)
    assert figures["total"] == 3
    assert figures["by_kind"]["meeting"] == 2 and figures["by_kind"]["call"] == 1 and figures["by_kind"]["webinar"] == 0
    assert figures["by_month"] == [2] + [0] * 10 + [1]


def test_it_counts_organisations_engaged_and_those_new_in_the_year():
    old, new, both = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    EngagementFactory(occurred_on=D(2024, 6, 1), organisations=[old])
    EngagementFactory(occurred_on=D(2025, 6, 1), organisations=[old, new])
    EngagementFactory(occurred_on=D(2025, 7, 1), organisations=[new, both])
    OrganisationFactory()  # never engaged
    figures = engagement_figures(Y2025)
    assert figures["organisations_engaged"] == 3
    assert figures["organisations_new"] == 2


def test_it_counts_two_companies_of_the_same_name_as_two():
    twins = [OrganisationFactory(name="Helix Therapeutics"), OrganisationFactory(name="Helix Therapeutics")]
    EngagementFactory(occurred_on=D(2025, 6, 1), organisations=twins)
    assert engagement_figures(Y2025)["organisations_engaged"] == 2


def test_it_counts_events_attended_with_the_meetings_held_at_each():
    alice = UserFactory(role="programme_office")
    congress = EventFactory(name="ASCO", starts_on=D(2025, 5, 30))
    webinar = EventFactory(name="Webinar", starts_on=D(2025, 9, 1))
    webinar.staff_attending.add(alice)
    EventFactory(name="Nobody went", starts_on=D(2025, 10, 1))
    EventFactory(name="Last year", starts_on=D(2024, 10, 1)).staff_attending.add(alice)
    EngagementFactory(occurred_on=D(2025, 5, 31), event=congress)
    EngagementFactory(occurred_on=D(2025, 6, 1), event=congress)
    figures = engagement_figures(Y2025)
    assert figures["events_attended"] == 2
    assert [(e["name"], e["meetings"]) for e in figures["events"]] == [("ASCO", 2), ("Webinar", 0)]


# Feasibility ------------------------------------------------------------------------------------------


def test_it_counts_requests_received_circulated_and_with_interest():
    leeds, manchester = CentreFactory(code="leeds"), CentreFactory(code="manchester")
    interested = FeasibilityRequestFactory(received_on=D(2025, 2, 1))
    invite(interested, leeds, D(2025, 2, 2), D(2025, 2, 6), "interested")
    invite(interested, manchester, D(2025, 2, 2), D(2025, 2, 4), "declined")
    declined = FeasibilityRequestFactory(received_on=D(2025, 3, 1))
    invite(declined, leeds, D(2025, 3, 2), D(2025, 3, 12), "declined")
    FeasibilityRequestFactory(received_on=D(2025, 4, 1))  # never circulated
    FeasibilityRequestFactory(received_on=D(2024, 4, 1))  # another year
    figures = feasibility_figures(Y2025)
    assert (figures["received"], figures["circulated"], figures["with_interest"]) == (3, 2, 1)
    assert figures["with_interest_pct"] == 50.0
    assert figures["median_response_days"] == 4.0  # 4, 2, 10
    assert figures["response_rate_by_centre"] == {"leeds": 100.0, "manchester": 100.0}


def test_it_counts_an_answer_given_after_the_year_ends_for_the_year_the_request_came_in():
    leeds = CentreFactory(code="leeds")
    request = FeasibilityRequestFactory(received_on=D(2025, 12, 20))
    invite(request, leeds, D(2025, 12, 22), D(2026, 1, 5), "interested")
    this_year, next_year = feasibility_figures(Y2025), feasibility_figures(kpis.period_for(2026))
    assert (this_year["with_interest"], this_year["with_interest_pct"]) == (1, 100.0)
    assert this_year["median_response_days"] == 14.0
    assert this_year["response_rate_by_centre"] == {"leeds": 100.0}
    assert (next_year["received"], next_year["with_interest"], next_year["response_rate_by_centre"]) == (0, 0, {})


def test_it_gives_a_centre_that_never_answers_a_zero_response_rate():
    leeds, silent = CentreFactory(code="leeds"), CentreFactory(code="silent")
    for month in (1, 2, 3):
        request = FeasibilityRequestFactory(received_on=D(2025, month, 1))
        invite(request, leeds, D(2025, month, 2), D(2025, month, 3), "declined")
        invite(request, silent, D(2025, month, 2))
    figures = feasibility_figures(Y2025)
    assert figures["response_rate_by_centre"] == {"leeds": 100.0, "silent": 0.0}
    assert figures["with_interest_pct"] == 0.0
    silent_row = next(c for c in figures["centres"] if c["code"] == "silent")
    assert silent_row["median_response_days"] is None


def test_it_counts_populations_modalities_and_the_headline_capabilities():
    haem, radio = CapabilityFactory(code="haematology"), CapabilityFactory(code="radiopharmaceutical")
    ModalityRule.objects.get_or_create(modality="radioligand", capability=radio)
    both = FeasibilityRequestFactory(received_on=D(2025, 1, 5), populations=["adult", "paediatric"], modality="adc")
    Requirement.objects.create(request=both, capability=haem, necessity="required")
    by_rule = FeasibilityRequestFactory(received_on=D(2025, 2, 5), modality="radioligand")
    preferred_only = FeasibilityRequestFactory(received_on=D(2025, 3, 5), populations=["paediatric"])
    Requirement.objects.create(request=preferred_only, capability=radio, necessity="preferred")
    tumour = FeasibilityRequestFactory(received_on=D(2025, 4, 5))
    tumour.tumour_types.add(CapabilityFactory(code="tumour.lymphoma"))  # haematological, as seeded
    assert by_rule
    figures = feasibility_figures(Y2025)
    assert figures["by_population"] == {"adult": 3, "paediatric": 2}
    assert figures["by_modality"]["adc"] == 1 and figures["by_modality"]["radioligand"] == 1
    assert figures["by_modality"]["small_molecule"] == 2
    assert (figures["haematology"], figures["radiopharmaceutical"]) == (2, 1)


def test_it_uses_years_that_start_in_april():
    leeds = CentreFactory(code="leeds")
    march = FeasibilityRequestFactory(received_on=D(2025, 3, 31))
    invite(march, leeds, D(2025, 3, 31), D(2025, 4, 2))
    april = FeasibilityRequestFactory(received_on=D(2025, 4, 1))
    invite(april, leeds, D(2025, 4, 1))
    EngagementFactory(occurred_on=D(2026, 3, 31))
    report = annual_report(2025, financial=True)
    assert report["period"] == {"start": "2025-04-01", "end": "2026-03-31"}
    assert report["feasibility"]["received"] == 1
    assert report["feasibility"]["with_interest"] == 0
    assert report["engagements"]["by_month"] == [0] * 11 + [1]
    assert report["previous_year"]["feasibility"]["with_interest"] == 1
    assert report["previous_year"]["period"] == {"start": "2024-04-01", "end": "2025-03-31"}


def test_it_gives_the_history_of_requests_and_the_share_with_interest():
    leeds = CentreFactory(code="leeds")
    for year, answers in ((2023, ["interested", "declined"]), (2025, ["interested"])):
        for decision in answers:
            request = FeasibilityRequestFactory(received_on=D(year, 6, 1))
            invite(request, leeds, D(year, 6, 2), D(year, 6, 3), decision)
    history = feasibility_history(Y2025)
    # No empty years before the first request; a quiet year after it stays.
    assert [h["year"] for h in history] == [2023, 2024, 2025]
    assert [(h["received"], h["with_interest_pct"]) for h in history] == [(2, 50.0), (0, None), (1, 100.0)]


def test_it_keeps_only_the_year_itself_in_the_history_of_a_network_without_requests():
    assert [h["year"] for h in feasibility_history(Y2025)] == [2025]


# Set-up -----------------------------------------------------------------------------------------------


def test_it_measures_set_up_against_the_targets():
    centre = CentreFactory()
    submitted = {"request__regulatory_submitted_on": D(2025, 1, 1), "request__regulatory_approved_on": D(2025, 2, 1)}
    SiteSetUpFactory(  # 60 days to open (met), 30 to first (met), 121 overall (met)
        centre=centre,
        selected_on=D(2025, 1, 10),
        opened_on=D(2025, 2, 1) + datetime.timedelta(60),
        first_participant_on=D(2025, 2, 1) + datetime.timedelta(90),
        **submitted,
    )
    SiteSetUpFactory(  # clock starts at selection (later than approval): 100 to open, 41 to first, 200 overall
        centre=centre,
        selected_on=D(2025, 3, 1),
        opened_on=D(2025, 3, 1) + datetime.timedelta(100),
        first_participant_on=D(2025, 1, 1) + datetime.timedelta(200),
        **submitted,
    )
    # Opened in 31 days, but no selection date: its open clock never started, so it is not judged.
    SiteSetUpFactory(centre=centre, request__regulatory_approved_on=D(2025, 10, 1), opened_on=D(2025, 11, 1))
    SiteSetUpFactory(centre=centre, opened_on=D(2024, 11, 1), first_participant_on=D(2025, 1, 20))  # 80 days: missed
    figures = setup_figures(Y2025)["setup"]
    assert (figures["sites_opened"], figures["first_participants"]) == (3, 3)
    assert figures["median_days_to_open"] == 80.0  # 60 and 100 (the third has no clock)
    assert (figures["sites_assessed_open"], figures["pct_open_within_60"]) == (2, 50.0)
    assert figures["median_days_to_first_participant"] == 41.0  # 30, 41, 80
    assert (figures["sites_assessed_first"], figures["pct_first_within_30"]) == (3, 33.3)
    assert (figures["studies_assessed_approval"], figures["pct_approval_within_target"]) == (2, 100.0)
    assert (figures["studies_assessed_150"], figures["pct_within_150"]) == (2, 50.0)  # 121 met; 200 missed on day 151


def test_it_leaves_collaborative_and_non_commercial_studies_out_of_the_targets():
    SiteSetUpFactory(
        request__funding="collaborative",
        request__regulatory_submitted_on=D(2025, 1, 1),
        request__regulatory_approved_on=D(2025, 6, 1),  # missed
    )
    figures = setup_figures(Y2025)
    assert figures["setup"]["studies_assessed_approval"] == 0
    assert figures["setup_by_funding"]["collaborative"]["studies_assessed_approval"] == 1
    assert figures["setup_by_funding"]["collaborative"]["pct_approval_within_target"] == 0.0


# The whole report -------------------------------------------------------------------------------------


def test_it_gives_the_keys_of_the_design():
    report = annual_report(2026)
    assert report["year"] == 2026
    assert report["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    assert {"total", "by_kind", "by_month", "organisations_engaged", "organisations_new", "events_attended"} <= set(
        report["engagements"]
    )
    assert {
        "received",
        "circulated",
        "with_interest",
        "with_interest_pct",
        "median_response_days",
        "by_population",
        "by_modality",
        "response_rate_by_centre",
    } <= set(report["feasibility"])
    assert {
        "median_days_to_open",
        "median_days_to_first_participant",
        "pct_open_within_60",
        "pct_first_within_30",
        "pct_within_150",
    } <= set(report["setup"])
    assert {"engagements", "feasibility", "setup"} <= set(report["previous_year"])
    assert report["previous_year"]["period"]["start"] == "2025-01-01"
    assert len(report["engagements"]["by_month"]) == 12


def _records(n: int):
    centres = [CentreFactory() for _ in range(3)]
    event = EventFactory(starts_on=D(2025, 5, 1))
    for i in range(n):
        day = D(2025, 1 + i % 12, 1 + i % 28)
        engagement = EngagementFactory(occurred_on=day, event=event if i % 2 else None, kind="roundtable")
        organisation = OrganisationFactory(kind="regulator" if i % 3 else "charity")
        engagement.organisations.add(organisation)
        initiative = Initiative.objects.create(title=f"Initiative {i}", started_on=day)
        initiative.organisations.add(organisation)
        request = FeasibilityRequestFactory(
            received_on=day,
            regulatory_submitted_on=day - datetime.timedelta(30),
            regulatory_approved_on=day - datetime.timedelta(10),
        )
        invite(request, centres[i % 3], day, day + datetime.timedelta(i % 9), "interested")
        SiteSetUpFactory(
            request=request,
            centre=centres[i % 3],
            selected_on=day - datetime.timedelta(20),
            opened_on=day,
            first_participant_on=day,
            participants=i,
        )


@pytest.mark.parametrize("rows", [3, 30])
def test_it_reads_the_report_in_a_constant_number_of_queries(rows, django_assert_num_queries):
    _records(rows)
    # The records' version 1 (the figures are cached under it); per period: engagements 5, regulatory 1,
    # partnerships 1, feasibility 3, set-up 3; then the history 1 and the plans 1.
    with django_assert_num_queries(1 + 2 * 13 + 2):
        report = annual_report(2025)
    assert report["engagements"]["total"] == rows


def test_it_gives_each_centre_a_scorecard():
    leeds, manchester = CentreFactory(code="leeds"), CentreFactory(code="manchester")
    today = D(2025, 6, 30)
    r1, r2, r3 = (FeasibilityRequestFactory(received_on=D(2025, 5, d)) for d in (1, 2, 3))
    invite(r1, leeds, D(2025, 5, 1), D(2025, 5, 5), "interested", deadline=D(2025, 5, 10))
    invite(r2, leeds, D(2025, 5, 2), D(2025, 5, 20), "declined", deadline=D(2025, 5, 10))  # late
    invite(r3, leeds, D(2025, 5, 3), deadline=D(2025, 5, 10))  # never answered, overdue
    invite(r3, manchester, D(2025, 6, 25), deadline=D(2025, 7, 10))  # still open
    cards = {c["centre"].code: c for c in centre_scorecards([leeds, manchester], since=D(2025, 1, 1), today=today)}
    assert cards["leeds"]["invitations"] == 3
    assert cards["leeds"]["answered_on_time_pct"] == 33.3
    assert cards["leeds"]["median_days_to_answer"] == 11.0
    assert cards["leeds"]["interested_pct"] == 50.0
    assert cards["manchester"]["answered_on_time_pct"] is None


def test_it_marks_a_change_good_or_bad_by_which_way_is_better():
    report = annual_report(2025)
    report["engagements"]["total"], report["previous_year"]["engagements"]["total"] = 5, 3
    report["setup"]["median_days_to_open"], report["previous_year"]["setup"]["median_days_to_open"] = 70.0, 50.0
    figures = {h["key"]: h for h in headline_figures(report)}
    assert (figures["engagements"]["change"], figures["engagements"]["trend"]) == (2, "good")
    assert (figures["median_days_to_open"]["change"], figures["median_days_to_open"]["trend"]) == (20.0, "bad")
    assert figures["received"]["trend"] == ""
