"""The audit log: every record's history and account events, for the Programme Office only."""

import datetime

import pytest
from django.urls import reverse

from crm import services
from crm.models import SecurityEvent
from engagements import services as engagement_services
from tests.factories import CapabilityFactory, ContactFactory, FeasibilityRequestFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
URL = reverse("crm:audit-log")


@pytest.fixture
def changes(alice, victor):
    org = engagement_services.organisation_create(actor=alice, name="Helix Bio", kind="biotech")
    engagement_services.organisation_update(actor=alice, organisation=org, status="partner")
    services.token_create(actor=victor, name="dashboard script")
    return org


def test_it_is_for_the_programme_office_only(client, alice, bob, victor):
    client.force_login(bob)
    assert client.get(URL).status_code == 403
    client.force_login(victor)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "?format=csv").status_code == 403
    client.force_login(alice)
    assert client.get(URL).status_code == 200


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_it_is_in_the_navigation_for_the_office_only(client, alice, victor):
    client.force_login(alice)
    assert URL in client.get(reverse("crm:home")).content.decode()
    client.force_login(victor)
    assert URL not in client.get(reverse("crm:home")).content.decode()


def test_it_shows_who_changed_what_with_a_link_to_the_record(client, alice, changes):
    client.force_login(alice)
    html = client.get(URL).content.decode()
    assert "Helix Bio" in html
    assert "Prospect → Partner" in html
    assert reverse("crm:history", args=["engagements.organisation", changes.pk]) in html
    assert "API token created" in html and "dashboard script" in html


def test_it_shows_many_to_many_changes_as_names(client, alice):
    request = FeasibilityRequestFactory()
    request._history_user = alice
    request.tumour_types.add(CapabilityFactory(name="Breast cancer", is_tumour_type=True))
    client.force_login(alice)
    html = client.get(URL + "?record_type=feasibility.feasibilityrequest").content.decode()
    assert "+&nbsp;Breast cancer" in html


def test_it_filters_by_user_type_action_and_dates(client, alice, victor, changes):
    client.force_login(alice)
    by_victor = client.get(URL, {"user": victor.pk}).context["entries"]
    assert {e.action for e in by_victor} == {"API token created"}
    orgs = client.get(URL, {"record_type": "engagements.organisation"}).context["entries"]
    assert [e.action for e in orgs] == ["Changed", "Created"]
    created = client.get(URL, {"action": "+", "record_type": "engagements.organisation"}).context["entries"]
    assert [e.action for e in created] == ["Created"]
    accounts = client.get(URL, {"action": "s"}).context["entries"]
    assert accounts and all(e.record_type == "Account" for e in accounts)
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    assert client.get(URL, {"start": tomorrow.isoformat()}).context["entries"] == []
    assert client.get(URL, {"end": "2000-01-01"}).context["entries"] == []


def test_it_explains_a_date_range_the_wrong_way_round(client, alice):
    client.force_login(alice)
    response = client.get(URL, {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()


def test_bad_filter_values_never_give_a_500(client, alice):
    client.force_login(alice)
    for params in ({"user": "abc"}, {"record_type": "crm.nothing"}, {"start": "9999-99-99"}, {"page": "x"}):
        assert client.get(URL, params).status_code == 200


def test_it_pages_the_log(client, alice):
    for i in range(60):
        OrganisationFactory(name=f"Organisation {i:02d}")
    client.force_login(alice)
    first = client.get(URL, {"record_type": "engagements.organisation"})
    assert len(first.context["entries"]) == 50
    assert first.context["page"].paginator.count == 60
    second = client.get(URL, {"record_type": "engagements.organisation", "page": 2})
    assert len(second.context["entries"]) == 10


def test_a_page_costs_the_same_queries_however_long_the_log(client, alice, django_assert_max_num_queries):
    for _ in range(30):
        contact = ContactFactory()
        engagement_services.contact_update(actor=alice, contact=contact, job_title="Director")
    SecurityEvent.objects.create(kind="signed_in", user=alice)
    client.force_login(alice)
    with django_assert_max_num_queries(25):
        assert client.get(URL).status_code == 200


def test_it_downloads_the_filtered_log_as_csv(client, alice, changes):
    client.force_login(alice)
    response = client.get(URL, {"format": "csv", "record_type": "engagements.organisation"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    lines = text.strip().splitlines()
    assert lines[0].startswith("When (UTC),Who,Action,Record type,Record,Changes")
    assert len(lines) == 3
    assert "Status: Prospect → Partner" in text
