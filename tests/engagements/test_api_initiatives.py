"""Initiatives, organisation sector and event scope through the API (DESIGN.md sections 3 and 6)."""

import datetime

import pytest

from engagements.models import Initiative, Organisation
from tests.factories import EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
INITIATIVES = "/api/v1/initiatives/"


def test_it_records_an_initiative_with_its_partners_and_events(api, alice):
    nihr = OrganisationFactory(name="NIHR", kind="research_network")
    webinar = EventFactory(name="Early-phase trials for nurses", kind="webinar")
    api.force_authenticate(alice)
    body = {
        "title": "Early-phase education webinars",
        "kind": "education",
        "organisations": [nihr.pk],
        "events": [webinar.pk],
        "started_on": "2025-04-01",
        "status": "active",
        "outputs": "Three webinars, 240 attendees",
    }
    response = api.post(INITIATIVES, body, format="json")
    assert response.status_code == 201, response.json()
    initiative = Initiative.objects.get()
    assert list(initiative.organisations.all()) == [nihr] and list(initiative.events.all()) == [webinar]
    assert initiative.history.first().history_user == alice
    assert api.patch(f"{INITIATIVES}{initiative.pk}/", {"status": "completed"}, format="json").status_code == 400
    done = {"status": "completed", "ended_on": "2025-12-31"}
    assert api.patch(f"{INITIATIVES}{initiative.pk}/", done, format="json").status_code == 200
    assert api.get(INITIATIVES, {"kind": "education"}).json()["count"] == 1
    assert api.get(INITIATIVES, {"organisation": nihr.pk}).json()["count"] == 1
    assert api.delete(f"{INITIATIVES}{initiative.pk}/").status_code == 204


def test_it_refuses_an_initiative_ending_before_it_starts(api, alice):
    api.force_authenticate(alice)
    body = {
        "title": "Junior investigator group",
        "kind": "early_career",
        "started_on": "2025-05-01",
        "ended_on": "2025-04-01",
    }
    response = api.post(INITIATIVES, body, format="json")
    assert response.status_code == 400 and "ended_on" in response.json()
    assert api.post(INITIATIVES, {"title": " ", "kind": "other"}, format="json").json().keys() == {"title"}
    assert not Initiative.objects.exists()


def test_it_lets_viewers_read_and_refuses_centre_staff_the_list(api, victor, bob, alice):
    initiative = Initiative.objects.create(title="Patient information tool", kind="patient_information")
    api.force_authenticate(victor)
    assert api.get(INITIATIVES).json()["count"] == 1
    assert api.patch(f"{INITIATIVES}{initiative.pk}/", {"title": "x"}, format="json").status_code == 403
    api.force_authenticate(bob)
    assert api.get(INITIATIVES).status_code == 403
    assert api.get(f"{INITIATIVES}{initiative.pk}/").status_code == 404


def test_it_tells_industry_from_partners(api, alice):
    pharma = OrganisationFactory(name="Corvane Pharma", kind="pharma")
    charity = OrganisationFactory(name="Cancer Research UK", kind="charity")
    network = OrganisationFactory(name="NIHR CRN", kind="research_network")
    assert (pharma.sector, charity.sector, network.sector) == ("industry", "partner", "partner")
    assert set(Organisation.objects.industry()) == {pharma}
    assert set(Organisation.objects.partners()) == {charity, network}
    api.force_authenticate(alice)
    assert api.get(f"/api/v1/organisations/{network.pk}/").json()["sector"] == "partner"
    names = {o["name"] for o in api.get("/api/v1/organisations/", {"sector": "partner"}).json()["results"]}
    assert names == {"Cancer Research UK", "NIHR CRN"}
    made = api.post("/api/v1/organisations/", {"name": "Department of Health", "kind": "government"}, format="json")
    assert made.status_code == 201 and made.json()["sector"] == "partner"


def test_it_keeps_an_events_scope_participation_and_attendees(api, alice):
    api.force_authenticate(alice)
    body = {
        "name": "ECMC education day",
        "kind": "education",
        "starts_on": datetime.date(2025, 6, 3).isoformat(),
        "scope": "national",
        "participation": "hosted",
        "attendees": 85,
    }
    response = api.post("/api/v1/events/", body, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["participation"], response.json()["attendees"]) == ("hosted", 85)
    bad = api.post("/api/v1/events/", {**body, "attendees": -4}, format="json")
    assert bad.status_code == 400 and "attendees" in bad.json()
    abroad = api.get("/api/v1/events/", {"scope": "international"}).json()["count"]
    assert abroad == 0
