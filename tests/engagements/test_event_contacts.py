"""The people the network met or invited at an event: ticked on the contacts list, added in bulk, shown on the
event's page and in the API."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from engagements import services
from engagements.models import Event
from tests.factories import ContactFactory, EventFactory

pytestmark = pytest.mark.django_db


def said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def esmo(db):
    return EventFactory(name="ESMO 2026")


def test_it_adds_the_new_people_once_and_counts_those_already_there(alice, esmo):
    ada, ben, cai = ContactFactory(), ContactFactory(), ContactFactory()
    assert services.event_contacts_add(actor=alice, event=esmo, contacts=[ada, ben]) == 2
    assert services.event_contacts_add(actor=alice, event=esmo, contacts=[ben, cai, cai]) == 1
    assert set(esmo.contacts.all()) == {ada, ben, cai}
    assert list(ada.events.all()) == [esmo]


def test_it_records_each_addition_in_the_events_history_with_who_made_it(alice, esmo):
    ada = ContactFactory()
    services.event_contacts_add(actor=alice, event=esmo, contacts=[ada])
    latest = esmo.history.latest()
    assert latest.history_user == alice
    assert [row.contact_id for row in latest.contacts.all()] == [ada.pk]
    services.event_contacts_add(actor=alice, event=esmo, contacts=[ada])  # nothing new: no new history row
    assert esmo.history.latest().pk == latest.pk


def test_only_the_programme_office_adds_people_to_an_event(bob, victor, esmo):
    ada = ContactFactory()
    for someone in (bob, victor):
        with pytest.raises(PermissionDenied):
            services.event_contacts_add(actor=someone, event=esmo, contacts=[ada])
    assert not esmo.contacts.exists()


def test_it_refuses_an_erased_contact_and_adds_none_of_the_others(alice, esmo):
    ada = ContactFactory()
    gone = services.contact_erase(actor=alice, contact=ContactFactory())
    with pytest.raises(ValidationError, match="erased contact"):
        services.event_contacts_add(actor=alice, event=esmo, contacts=[ada, gone])
    assert not esmo.contacts.exists()


def test_the_contacts_list_adds_the_ticked_contacts_to_the_chosen_event(client, alice, esmo):
    ada, ben, cai, _left = (ContactFactory() for _ in range(4))
    services.event_contacts_add(actor=alice, event=esmo, contacts=[cai])
    client.force_login(alice)
    html = client.get(reverse("engagements:contact-list")).content.decode()
    assert "Add to event" in html and "ESMO 2026" in html
    listing = reverse("engagements:contact-list") + "?q=x"
    response = client.post(
        reverse("engagements:contact-bulk-event"),
        {"selected": [ada.pk, ben.pk, cai.pk], "bulk-event": esmo.pk, "next": listing},
    )
    assert response.status_code == 302 and response["Location"] == listing
    assert said(response) == "2 contacts added to ESMO 2026; 1 was already there."
    assert set(Event.objects.get(pk=esmo.pk).contacts.all()) == {ada, ben, cai}


def test_the_bulk_action_says_what_is_missing_and_changes_nothing(client, alice, esmo):
    ada = ContactFactory()
    client.force_login(alice)
    url = reverse("engagements:contact-bulk-event")
    assert "Tick at least one contact" in said(client.post(url, {"bulk-event": esmo.pk}))
    assert "Choose the event" in said(client.post(url, {"selected": [ada.pk]}))
    assert "Choose the event" in said(client.post(url, {"selected": [ada.pk], "bulk-event": "999999"}))
    assert not esmo.contacts.exists()


def test_only_the_programme_office_sees_and_uses_the_bulk_action(client, victor, esmo):
    ada = ContactFactory()
    client.force_login(victor)
    assert "Add to event" not in client.get(reverse("engagements:contact-list")).content.decode()
    response = client.post(reverse("engagements:contact-bulk-event"), {"selected": [ada.pk], "bulk-event": esmo.pk})
    assert response.status_code == 403
    assert not esmo.contacts.exists()


def test_the_event_page_lists_the_people_met_or_invited(client, alice, victor, esmo):
    ada = ContactFactory(first_name="Ada", last_name="Lovelace", job_title="Medical director")
    services.event_contacts_add(actor=alice, event=esmo, contacts=[ada])
    client.force_login(victor)
    html = client.get(reverse("engagements:event-detail", args=[esmo.pk])).content.decode()
    assert "People met or invited" in html and "Ada Lovelace" in html and "Medical director" in html


def test_the_events_api_shows_the_contacts_read_only(api, alice, esmo):
    ada = ContactFactory()
    services.event_contacts_add(actor=alice, event=esmo, contacts=[ada])
    api.force_authenticate(alice)
    url = f"/api/v1/events/{esmo.pk}/"
    assert api.get(url).json()["contacts"] == [ada.pk]
    changed = api.patch(url, {"contacts": [], "place": "Berlin"}, format="json")
    assert changed.status_code == 200 and changed.json()["contacts"] == [ada.pk]


def test_the_contacts_page_and_subject_access_export_name_the_events(client, alice, esmo):
    ada = ContactFactory()
    services.event_contacts_add(actor=alice, event=esmo, contacts=[ada])
    client.force_login(alice)
    html = client.get(reverse("engagements:contact-detail", args=[ada.pk])).content.decode()
    assert "Met or invited at" in html and "ESMO 2026" in html
    exported = services.contact_export(actor=alice, contact=ada)
    assert [event["name"] for event in exported["events"]] == ["ESMO 2026"]


def test_erasing_a_person_takes_them_off_their_events_in_the_events_history(alice, esmo):
    ada, ben = ContactFactory(), ContactFactory()
    services.event_contacts_add(actor=alice, event=esmo, contacts=[ada, ben])
    services.contact_erase(actor=alice, contact=ada)
    assert list(esmo.contacts.all()) == [ben]
    latest = esmo.history.latest()
    assert latest.history_user == alice and [row.contact_id for row in latest.contacts.all()] == [ben.pk]
