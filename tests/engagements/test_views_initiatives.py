"""The initiatives pages: the office adds and edits, viewers read, centre staff have none."""

import pytest
from django.urls import reverse

from engagements.models import Initiative
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_it_adds_an_initiative_and_shows_it(client, alice):
    cruk = OrganisationFactory(name="Cancer Research UK", kind="charity")
    client.force_login(alice)
    data = {
        "title": "Junior investigator network",
        "kind": "early_career",
        "status": "active",
        "started_on": "2025-09-01",
        "organisations": [cruk.pk],
        "outputs": "12 trainees matched to phase I mentors",
    }
    response = client.post(reverse("engagements:initiative-create"), data)
    initiative = Initiative.objects.get()
    assert response["Location"] == reverse("engagements:initiative-detail", args=[initiative.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "Cancer Research UK" in detail and "12 trainees" in detail
    listing = client.get(reverse("engagements:initiative-list")).content.decode()
    assert "Junior investigator network" in listing and "Early-career investigators" in listing
    assert "Initiatives" in client.get(reverse("engagements:event-list")).content.decode()  # in the navigation


def test_it_says_what_is_wrong_next_to_the_field(client, alice):
    client.force_login(alice)
    data = {"title": "Patient information tool", "kind": "patient_information", "status": "completed"}
    response = client.post(reverse("engagements:initiative-create"), data)
    assert response.status_code == 200
    assert "Give the date a completed initiative ended." in response.content.decode()
    assert 'value="Patient information tool"' in response.content.decode()
    assert not Initiative.objects.exists()


def test_it_shows_viewers_no_write_buttons(client, victor):
    initiative = Initiative.objects.create(title="Education webinars", kind="education")
    client.force_login(victor)
    detail = client.get(reverse("engagements:initiative-detail", args=[initiative.pk])).content.decode()
    assert "Education webinars" in detail and reverse("engagements:initiative-edit", args=[initiative.pk]) not in detail
    assert "Add an initiative" not in client.get(reverse("engagements:initiative-list")).content.decode()
    assert client.get(reverse("engagements:initiative-create")).status_code == 403


def test_it_refuses_centre_staff(client, bob):
    initiative = Initiative.objects.create(title="Education webinars", kind="education")
    client.force_login(bob)
    assert client.get(reverse("engagements:initiative-list")).status_code == 403
    assert client.get(reverse("engagements:initiative-detail", args=[initiative.pk])).status_code == 404


def test_it_keeps_an_events_part_and_attendees_from_the_form(client, alice):
    client.force_login(alice)
    data = {
        "name": "Early-phase nursing webinar",
        "kind": "webinar",
        "starts_on": "2025-05-14",
        "scope": "national",
        "participation": "hosted",
        "attendees": "-3",
    }
    response = client.post(reverse("engagements:event-create"), data)
    assert response.status_code == 200  # refused: a negative count
    data["attendees"] = "120"
    response = client.post(reverse("engagements:event-create"), data)
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "we hosted" in html and "120 attendees" in html
