"""The engagements API: permission matrix over every endpoint and method, filters, writes through services."""

import pytest
from django.utils import timezone

from engagements.models import Contact, Engagement, Organisation
from tests.factories import ContactFactory, EngagementFactory, EventFactory, FollowUpFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().isoformat()


def _objects():
    org = OrganisationFactory(name="Matrix Biologics")
    contact = ContactFactory(organisation=org)
    event = EventFactory()
    engagement = EngagementFactory(organisations=[org])
    follow_up = FollowUpFactory(engagement=engagement)
    return {
        "organisations": (org, {"name": "Zephyr Oncolytics", "kind": "biotech"}),
        "contacts": (contact, {"first_name": "Ana", "last_name": "Silva", "email": "ana.matrix@example.org"}),
        "events": (event, {"name": "AACR Annual Meeting 2027", "kind": "conference", "starts_on": TODAY}),
        "engagements": (engagement, {"subject": "Intro call", "organisations": [org.pk], "kind": "call"}),
        "follow-ups": (follow_up, {"text": "Send the directory", "due_on": TODAY}),
    }


ENDPOINTS = ["organisations", "contacts", "events", "engagements", "follow-ups"]
# user → expected status for list, retrieve, create, update, delete (an object the user cannot see is a 404)
EXPECTED = {
    "anonymous": (401, 401, 401, 401, 401),
    "alice": (200, 200, 201, 200, 204),
    "victor": (200, 200, 403, 403, 403),
    # "none" in DESIGN.md section 5: the list itself answers 403, so a script never takes it for "no records".
    "bob": (403, 404, 403, 404, 404),
    "carol": (403, 404, 403, 404, 404),
    "sam": (403, 404, 403, 404, 404),
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("who", list(EXPECTED))
def test_it_enforces_the_permission_matrix(api, request, endpoint, who):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    obj, payload = _objects()[endpoint]
    if endpoint == "organisations":
        obj = OrganisationFactory(name="Standalone Unused Org")  # deletable: nothing depends on it
    if user:
        api.force_authenticate(user)
    base = f"/api/v1/{endpoint}/"
    detail = f"{base}{obj.pk}/"
    expected = EXPECTED[who]
    listed = api.get(base)
    assert listed.status_code == expected[0]
    assert api.get(detail).status_code == expected[1]
    assert api.post(base, payload, format="json").status_code == expected[2]
    assert api.patch(detail, {}, format="json").status_code == expected[3]
    assert api.delete(detail).status_code == expected[4]


def test_it_creates_an_organisation_with_name_and_kind_only(api, alice):
    api.force_authenticate(alice)
    response = api.post("/api/v1/organisations/", {"name": "Nimbus Biologics", "kind": "biotech"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "prospect"
    assert "create_anyway" not in response.json()


def test_it_warns_of_a_duplicate_organisation_and_creates_it_anyway_when_asked(api, alice):
    existing = OrganisationFactory(name="Nimbus Biologics")
    api.force_authenticate(alice)
    response = api.post("/api/v1/organisations/", {"name": "Nimbus Biologics Ltd", "kind": "biotech"}, format="json")
    assert response.status_code == 400
    assert [d["name"] for d in response.json()["possible_duplicates"]] == [existing.name]
    response = api.post(
        "/api/v1/organisations/",
        {"name": "Nimbus Biologics Ltd", "kind": "biotech", "create_anyway": True},
        format="json",
    )
    assert response.status_code == 201
    assert Organisation.objects.count() == 2


def test_it_requires_name_and_kind_of_an_organisation(api, alice):
    api.force_authenticate(alice)
    response = api.post("/api/v1/organisations/", {}, format="json")
    assert set(response.json()) == {"name", "kind"}


def test_it_requires_names_and_email_of_a_contact(api, alice):
    api.force_authenticate(alice)
    response = api.post("/api/v1/contacts/", {}, format="json")
    assert set(response.json()) == {"first_name", "last_name", "email"}


def test_it_refuses_a_duplicate_contact_email_in_words(api, alice):
    ContactFactory(email="ana@nimbus.example")
    api.force_authenticate(alice)
    response = api.post(
        "/api/v1/contacts/", {"first_name": "A", "last_name": "S", "email": "ANA@nimbus.example"}, format="json"
    )
    assert response.status_code == 400
    assert "already has the email address" in response.json()["email"][0]
    assert Contact.objects.count() == 1


def test_it_logs_an_engagement_with_lists_of_ids(api, alice):
    org = OrganisationFactory()
    contact = ContactFactory(organisation=org)
    api.force_authenticate(alice)
    response = api.post(
        "/api/v1/engagements/",
        {"subject": "Pipeline", "organisations": [org.pk], "contacts": [contact.pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["organisations"] == [org.pk] and body["contacts"] == [contact.pk]
    assert body["staff"] == [alice.pk] and body["occurred_on"] == TODAY


def test_it_refuses_an_engagement_without_organisations(api, alice):
    api.force_authenticate(alice)
    response = api.post("/api/v1/engagements/", {"subject": "Pipeline", "organisations": []}, format="json")
    assert response.status_code == 400
    assert "organisations" in response.json()
    assert not Engagement.objects.exists()


def test_it_filters_engagements(api, alice):
    org, other = OrganisationFactory(), OrganisationFactory()
    event = EventFactory()
    at_event = EngagementFactory(organisations=[org], event=event, kind="conference_meeting")
    old = EngagementFactory(organisations=[other], occurred_on="2024-01-10")
    api.force_authenticate(alice)

    def ids(query):
        return [row["id"] for row in api.get(f"/api/v1/engagements/?{query}").json()["results"]]

    assert ids(f"organisation={org.pk}") == [at_event.pk]
    assert ids(f"event={event.pk}") == [at_event.pk]
    assert ids("kind=conference_meeting") == [at_event.pk]
    assert ids("occurred_before=2024-12-31") == [old.pk]
    assert ids("occurred_after=2025-01-01") == [at_event.pk]


def test_it_filters_organisations_and_contacts(api, alice):
    nimbus = OrganisationFactory(name="Nimbus Biologics", kind="biotech", country="Germany", status="active")
    OrganisationFactory(name="Quantara", kind="cro", country="United Kingdom")
    ana = ContactFactory(first_name="Ana", organisation=nimbus)
    ContactFactory(first_name="Bo")
    api.force_authenticate(alice)

    def names(query):
        return [row["name"] for row in api.get(f"/api/v1/organisations/?{query}").json()["results"]]

    assert names("kind=biotech&status=active") == ["Nimbus Biologics"]
    assert names("country=germany") == ["Nimbus Biologics"]
    assert names("q=quant") == ["Quantara"]
    assert [c["id"] for c in api.get(f"/api/v1/contacts/?organisation={nimbus.pk}").json()["results"]] == [ana.pk]
    assert [c["id"] for c in api.get("/api/v1/contacts/?q=ana").json()["results"]] == [ana.pk]


def test_it_defaults_a_follow_up_owner_to_the_caller(api, alice):
    engagement = EngagementFactory()
    api.force_authenticate(alice)
    response = api.post(
        "/api/v1/follow-ups/", {"engagement": engagement.pk, "text": "Call", "due_on": TODAY}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["owner"] == alice.pk


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_it_lists_in_constant_queries(api, alice, django_assert_max_num_queries, endpoint):
    api.force_authenticate(alice)

    def make(n):
        for _ in range(n):
            engagement = EngagementFactory()
            engagement.contacts.add(ContactFactory())
            FollowUpFactory(engagement=engagement)
            EventFactory()

    make(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        api.get(f"/api/v1/{endpoint}/")
    make(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api.get(f"/api/v1/{endpoint}/")
    assert response.json()["count"] >= 30
