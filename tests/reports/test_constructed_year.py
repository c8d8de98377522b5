"""The report's figures for a constructed year equal a hand count, key by key (DESIGN.md section 7, second round).

Run on SQLite and on PostgreSQL (`make test-postgres`): every figure is read in the database.
"""

import datetime

import pytest

from capabilities.models import Capability
from crm.reports import annual_report
from engagements.models import Initiative
from feasibility.models import Requirement
from tests.factories import (
    CentreFactory,
    EngagementFactory,
    EventFactory,
    FeasibilityRequestFactory,
    OrganisationFactory,
    SiteSetUpFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def engage(day, *organisations, **fields):
    engagement = EngagementFactory(occurred_on=day, **fields)
    engagement.organisations.set(organisations)
    return engagement


@pytest.fixture
def year():
    """2025 as a programme office would log it; each figure's hand count is in the test below."""
    pharma = OrganisationFactory(name="Astra Pharma", kind="pharma")
    biotech = OrganisationFactory(name="Helix Bio", kind="biotech")
    cro = OrganisationFactory(name="Trial CRO", kind="cro")
    charity = OrganisationFactory(name="Cancer Charity", kind="charity")
    nihr = OrganisationFactory(name="NIHR", kind="research_network")
    mhra = OrganisationFactory(name="MHRA", kind="regulator")

    congress = EventFactory(
        name="ESMO", kind="conference", starts_on=D(2025, 3, 1), scope="international", participation="presented"
    )
    webinar = EventFactory(
        name="Early-phase trials for nurses",
        kind="education",
        starts_on=D(2025, 5, 10),
        participation="hosted",
        attendees=120,
    )
    EventFactory(name="Not gone to", starts_on=D(2025, 6, 1))  # no staff, no meeting: not counted
    roundtable_event = EventFactory(
        name="First-in-human roundtable", kind="roundtable", starts_on=D(2025, 9, 10), participation="hosted"
    )

    engage(D(2024, 5, 1), biotech)
    engage(D(2024, 8, 1), cro)
    engage(D(2025, 3, 1), pharma, kind="conference_meeting", event=congress)
    engage(D(2025, 6, 1), biotech, kind="call")
    engage(D(2025, 4, 1), charity)
    engage(D(2025, 7, 1), mhra, kind="meeting")
    engage(D(2025, 9, 10), pharma, kind="roundtable", event=roundtable_event)
    engage(D(2025, 9, 10), biotech, kind="roundtable", event=roundtable_event)  # the same roundtable

    education = Initiative.objects.create(
        title="Early-phase education programme", kind="education", started_on=D(2025, 2, 1), status="active"
    )
    education.organisations.set([nihr, pharma])
    education.events.set([webinar])
    Initiative.objects.create(
        title="Patient information leaflet",
        kind="patient_information",
        started_on=D(2024, 1, 1),
        ended_on=D(2024, 12, 31),
        status="completed",
    )
    Initiative.objects.create(title="Regulatory sandbox", kind="regulatory", status="planned")

    myeloma = Capability.objects.get(code="tumour.myeloma")
    haematology = Capability.objects.get(code="haematology")
    r1 = FeasibilityRequestFactory(received_on=D(2025, 2, 1), populations=["adult"], funding="commercial")
    r1.tumour_types.add(myeloma)
    r1.regulatory_submitted_on = D(2025, 11, 1)  # never approved: missed on 1 Jan 2026, so not in 2025
    r1.save()
    r2 = FeasibilityRequestFactory(
        received_on=D(2025, 3, 1),
        populations=["paediatric"],
        funding="collaborative",
        status="placed",
        closed_on=D(2025, 6, 15),
        regulatory_submitted_on=D(2025, 1, 10),
        regulatory_approved_on=D(2025, 4, 30),
    )
    r3 = FeasibilityRequestFactory(
        received_on=D(2025, 4, 1), populations=["adult", "paediatric"], funding="non_commercial"
    )
    Requirement.objects.create(request=r3, capability=haematology, necessity="required")
    FeasibilityRequestFactory(
        received_on=D(2025, 5, 1), funding="commercial", status="withdrawn", closed_on=D(2025, 8, 1)
    )
    r4 = FeasibilityRequestFactory(
        received_on=D(2024, 10, 1),
        funding="commercial",
        status="placed",
        closed_on=D(2025, 5, 1),
        regulatory_submitted_on=D(2025, 1, 1),
        regulatory_approved_on=D(2025, 2, 20),
    )
    FeasibilityRequestFactory(  # an advanced therapy: 86 days to approval is within its 90
        received_on=D(2024, 9, 1),
        funding="commercial",
        advanced_therapy=True,
        regulatory_submitted_on=D(2024, 12, 1),
        regulatory_approved_on=D(2025, 2, 24),
    )
    leeds, manchester, leicester, oxford = (
        CentreFactory(name=n) for n in ("Leeds", "Manchester", "Leicester", "Oxford")
    )
    SiteSetUpFactory(  # open in 40 days (met 1 Apr), first participant in 19 (met 20 Apr)
        request=r4,
        centre=leeds,
        selected_on=D(2025, 2, 1),
        opened_on=D(2025, 4, 1),
        first_participant_on=D(2025, 4, 20),
        participants=5,
    )
    SiteSetUpFactory(  # clock at selection 15 Mar; open in 78 (missed 15 May), first in 44 (missed 2 Jul)
        request=r4,
        centre=manchester,
        selected_on=D(2025, 3, 15),
        opened_on=D(2025, 6, 1),
        first_participant_on=D(2025, 7, 15),
        participants=2,
    )
    SiteSetUpFactory(request=r4, centre=leicester, selected_on=D(2025, 3, 1))  # never opened: missed 1 May
    SiteSetUpFactory(  # collaborative: not in the commercial figures
        request=r2,
        centre=oxford,
        selected_on=D(2025, 5, 1),
        opened_on=D(2025, 5, 20),
        first_participant_on=D(2025, 6, 1),
        participants=7,
    )
    UserFactory()  # nobody's records but a user's


def test_it_counts_the_engagement_keys_by_hand(year):
    report = annual_report(2025)
    engagements, before = report["engagements"], report["previous_year"]["engagements"]
    assert engagements["total"] == 6
    assert engagements["organisations_engaged"] == 2  # Astra Pharma, Helix Bio: industry only
    assert engagements["organisations_new"] == 1  # Astra Pharma; Helix Bio was first met in 2024
    assert engagements["partners_engaged"] == 2  # the charity and the MHRA
    assert (before["organisations_engaged"], before["organisations_new"], before["partners_engaged"]) == (2, 2, 0)
    assert engagements["events_attended"] == 1  # ESMO (presented)
    assert engagements["events_hosted"] == 2  # the webinar and the roundtable
    assert engagements["events_international"] == 1
    assert engagements["initiatives"] == {
        "education": 1,
        "early_career": 0,
        "patient_information": 0,
        "regulatory": 0,
        "partnership": 0,
        "other": 0,
    }
    assert (engagements["education_events"], engagements["education_attendees"]) == (1, 120)


def test_it_counts_the_new_sections_by_hand(year):
    report = annual_report(2025)
    regulatory = report["regulatory"]
    # Two companies' engagements at one roundtable: one roundtable.
    assert (regulatory["engagements"], regulatory["roundtables"], regulatory["with_regulators"]) == (3, 1, 1)
    assert [r["regulators"] for r in regulatory["items"]] == ["MHRA", "", ""]
    partners = report["partnerships"]
    assert partners["organisations"] == 3
    assert [(o["name"], o["engagements_held"], o["joint_initiatives"]) for o in partners["items"]] == [
        ("Cancer Charity", 1, 0),
        ("MHRA", 1, 0),
        ("NIHR", 0, 1),
    ]
    assert [i["title"] for i in report["plans"]] == ["Regulatory sandbox"]


def test_it_counts_the_feasibility_keys_by_hand(year):
    feasibility = annual_report(2025)["feasibility"]
    assert feasibility["received"] == 4
    assert feasibility["by_community"] == {"adult": 3, "paediatric": 2, "haematology": 2}
    assert feasibility["haematology"] == 2  # myeloma as a tumour type; haematology required
    assert feasibility["by_funding"] == {"commercial": 2, "collaborative": 1, "non_commercial": 1}
    assert (feasibility["placed"], feasibility["not_placed"], feasibility["withdrawn"]) == (2, 0, 1)


def test_it_counts_the_set_up_keys_by_hand(year):
    report = annual_report(2025)
    setup = report["setup"]
    assert {k: v for k, v in setup.items() if k != "sites"} == {
        "sites_opened": 2,
        "first_participants": 2,
        "studies_assessed_approval": 2,  # r4 met (50 days), the advanced therapy met (86 of 90)
        "pct_approval_within_target": 100.0,
        "sites_assessed_open": 3,  # Leeds met; Manchester and Leicester missed
        "pct_open_within_60": 33.3,
        "sites_assessed_first": 2,  # Leeds met; Manchester missed
        "pct_first_within_30": 50.0,
        "studies_assessed_150": 2,  # r4 met (109 days); the advanced therapy missed on 1 May (no site)
        "pct_within_150": 50.0,
        "median_days_to_open": 59.0,  # 40 and 78
        "median_days_to_first_participant": 31.5,  # 19 and 44
        "median_days_overall": 109.0,
        "participants_to_date": 7,  # r4's sites: 5 + 2 + 0
    }
    collaborative = report["setup_by_funding"]["collaborative"]
    assert (collaborative["studies_assessed_approval"], collaborative["pct_approval_within_target"]) == (1, 0.0)
    assert (collaborative["pct_open_within_60"], collaborative["pct_first_within_30"]) == (100.0, 100.0)
    assert (collaborative["pct_within_150"], collaborative["participants_to_date"]) == (100.0, 7)
    assert report["setup_by_funding"]["commercial"] == {k: v for k, v in setup.items() if k != "sites"}
    assert report["setup_by_funding"]["non_commercial"]["studies_assessed_approval"] == 0
    assert [(s["centre_name"], s["open_target"], s["first_target"]) for s in setup["sites"]] == [
        ("Leeds", "met", "met"),
        ("Manchester", "missed", "missed"),
        ("Leicester", "missed", None),  # never opened: listed last
    ]
    before = report["previous_year"]["setup"]
    assert before["studies_assessed_approval"] == 0 and before["pct_approval_within_target"] is None


def test_it_counts_the_judgements_decided_in_2026_in_2026(year):
    setup = annual_report(2026)["setup"]
    # r1 was submitted on 1 Nov 2025 and never approved: missed on day 61, 1 Jan 2026.
    assert (setup["studies_assessed_approval"], setup["pct_approval_within_target"]) == (1, 0.0)


def test_it_gives_the_second_rounds_keys_through_the_api_with_the_year_before(year, api, victor):
    api.force_authenticate(victor)
    body = api.get("/api/v1/reports/annual/2025/").json()
    for section in (body, body["previous_year"]):
        assert {"partners_engaged", "events_attended", "events_hosted", "events_international", "initiatives"} <= set(
            section["engagements"]
        )
        assert {"by_community", "by_funding", "placed", "not_placed", "withdrawn"} <= set(section["feasibility"])
        assert {
            "studies_assessed_approval",
            "pct_approval_within_target",
            "sites_assessed_open",
            "pct_open_within_60",
            "sites_assessed_first",
            "pct_first_within_30",
            "studies_assessed_150",
            "pct_within_150",
            "median_days_to_open",
            "median_days_to_first_participant",
            "participants_to_date",
        } <= set(section["setup"])
        assert set(section["setup_by_funding"]) == {"commercial", "collaborative", "non_commercial"}
    assert body["setup"]["pct_open_within_60"] == 33.3
    assert body["feasibility"]["by_community"]["haematology"] == 2
