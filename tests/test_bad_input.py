"""Bad input is a message on the field (or a clear 400), never a 500, and nothing is changed."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from crm import services as crm_services
from crm.models import Role, User
from engagements import importing
from engagements.models import Event
from feasibility.models import FeasibilityRequest
from tests.factories import EventFactory, FeasibilityRequestFactory, InvitationFactory, OrganisationFactory
from tests.feasibility.test_views import public_data

pytestmark = pytest.mark.django_db


def test_it_refuses_a_patient_count_beyond_reason_on_the_public_form(client):
    cache.clear()
    response = client.post(reverse("feasibility:public-form"), public_data(patients_total="99999999999"))
    assert response.status_code == 200
    assert "less than or equal to 100000" in response.content.decode()
    assert not FeasibilityRequest.objects.exists()


def test_it_refuses_sites_beyond_reason_in_the_api(api, alice):
    api.force_authenticate(alice)
    payload = {"title": "T", "sponsor": OrganisationFactory().pk, "sites_sought": 99999999999}
    response = api.post("/api/v1/feasibility-requests/", payload, format="json")
    assert response.status_code == 400 and "sites_sought" in response.json()


def test_it_refuses_an_estimate_beyond_reason_in_an_answer(api, bob, leeds):
    invitation = InvitationFactory(centre=leeds)
    api.force_authenticate(bob)
    response = api.put(
        f"/api/v1/invitations/{invitation.pk}/response/",
        {"decision": "interested", "estimated_patients": 99999999999},
        format="json",
    )
    assert response.status_code == 400 and "estimated_patients" in response.json()


@pytest.mark.parametrize("path", ["/search/?q=a%00b", "/organisations/?q=a%00b", "/requests/?q=%00"])
def test_it_answers_a_nul_character_in_the_address_with_a_400_page(client, alice, path):
    client.force_login(alice)
    response = client.get(path)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_it_answers_a_nul_character_in_an_api_query_in_json(api, alice):
    api.force_authenticate(alice)
    response = api.get("/api/v1/feasibility-requests/?status=a%00b")
    assert response.status_code == 400 and "NUL" in response.json()["detail"]


def test_it_refuses_a_nul_character_in_an_api_field(api, alice):
    api.force_authenticate(alice)
    response = api.post("/api/v1/organisations/", {"name": "A\x00B", "kind": "pharma"}, format="json")
    assert response.status_code == 400 and "name" in response.json()


def test_it_refuses_a_csv_with_a_nul_character_and_says_on_which_line():
    with pytest.raises(importing.FileProblem, match="Line 2 holds a NUL"):
        importing.decode(b"name,kind\nQuan\x00tara,cro\n")


@pytest.mark.parametrize("suffix", [".json", ".pdf"])
def test_it_serves_the_annual_report_with_a_format_suffix(api, alice, suffix):
    api.force_authenticate(alice)
    response = api.get(f"/api/v1/reports/annual/2025{suffix}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/" + suffix[1:])


def test_it_refuses_an_absurd_event_date_in_the_api_and_the_form(api, client, alice):
    api.force_authenticate(alice)
    response = api.post("/api/v1/events/", {"name": "ASCO", "kind": "conference", "starts_on": "9999-12-31"})
    assert response.status_code == 400 and "starts_on" in response.json()
    client.force_login(alice)
    response = client.post(
        reverse("engagements:event-create"),
        {
            "name": "ASCO",
            "kind": "conference",
            "scope": "international",
            "participation": "attended",
            "starts_on": "9999-12-31",
        },
    )
    assert response.status_code == 200 and "Give a date between" in response.content.decode()
    assert not Event.objects.exists()


def test_it_keeps_the_calendar_feed_working_with_an_event_kept_from_before_dates_were_checked(client, alice):
    EventFactory(name="Typo", starts_on=datetime.date(9999, 12, 31))
    client.force_login(alice)
    response = client.get(reverse("engagements:events-ics"))
    assert response.status_code == 200 and "DTSTART;VALUE=DATE:99991231" in response.content.decode()


def _accept(token, username):
    return crm_services.invitation_accept(
        token=token, username=username, password="a-long-Passw0rd-2026", first_name="Nia", last_name="Dee"
    )


def test_it_makes_one_account_when_one_invitation_is_accepted_twice_at_once(alice, monkeypatch):
    _, token = crm_services.user_invite(actor=alice, email="nia@leeds.example", role=Role.VIEWER)
    # The second request read the invitation as pending before the first one finished.
    stale = crm_services.invitation_for_token(token)
    _accept(token, "nia")
    monkeypatch.setattr(crm_services, "invitation_for_token", lambda _token: stale)
    with pytest.raises(ValidationError, match="already used"):
        _accept(token, "nia2")
    assert User.objects.filter(email="nia@leeds.example").count() == 1


def test_it_counts_an_invited_persons_email_as_verified(alice):
    _, token = crm_services.user_invite(actor=alice, email="nia@leeds.example", role=Role.VIEWER)
    user = _accept(token, "nia")
    assert EmailAddress.objects.get(user=user).verified


def test_it_still_lists_requests(client, alice):
    FeasibilityRequestFactory()
    client.force_login(alice)
    assert client.get(reverse("feasibility:request-list")).status_code == 200


def test_it_answers_an_api_address_that_matches_nothing_in_json(api, alice):
    api.force_authenticate(alice)
    response = api.get("/api/v1/organisations/0.5/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_it_refuses_an_id_beyond_any_column_in_a_filter(api, alice):
    api.force_authenticate(alice)
    response = api.get("/api/v1/feasibility-requests/?sponsor=100632439404456099840")
    assert response.status_code == 400 and "sponsor" in response.json()
