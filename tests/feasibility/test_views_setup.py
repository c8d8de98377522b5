"""Editing a placed study's regulatory dates and its sites' set-up on the outcome page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from feasibility import services
from feasibility.models import SiteSetUp

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def placed(alice, bob, triage_request, leeds):
    (invitation,) = services.route_request(actor=alice, request=triage_request, centres=[leeds])
    services.submit_response(actor=bob, invitation=invitation, decision="interested")
    services.request_set_outcome(
        actor=alice, request=triage_request, outcome="placed", centres=[leeds], closed_on=TODAY - 80 * DAY
    )
    return SiteSetUp.objects.get()


def _post_setup(client, setup, **days_ago):
    data = {f"setup{setup.pk}-{name}": (TODAY - n * DAY).isoformat() for name, n in days_ago.items()}
    return client.post(reverse("feasibility:setup-edit", args=[setup.pk]), data)


def test_it_saves_contract_costing_and_participants(client, alice, placed):
    client.force_login(alice)
    data = {
        f"setup{placed.pk}-selected_on": (TODAY - 80 * DAY).isoformat(),
        f"setup{placed.pk}-costing_agreed_on": (TODAY - 50 * DAY).isoformat(),
        f"setup{placed.pk}-contract_signed_on": (TODAY - 45 * DAY).isoformat(),
        f"setup{placed.pk}-opened_on": (TODAY - 40 * DAY).isoformat(),
        f"setup{placed.pk}-first_participant_on": (TODAY - 20 * DAY).isoformat(),
        f"setup{placed.pk}-participants": "3",
    }
    response = client.post(reverse("feasibility:setup-edit", args=[placed.pk]), data)
    assert response.status_code == 302
    placed.refresh_from_db()
    assert (placed.contract_signed_on, placed.participants) == (TODAY - 45 * DAY, 3)
    html = client.get(reverse("feasibility:outcome", args=[placed.request_id])).content.decode()
    assert "3 participants" in html and f"contract {TODAY - 45 * DAY:%-d %b %Y}" in html


def test_it_shows_a_refused_date_next_to_its_field_and_keeps_the_input(client, alice, placed):
    client.force_login(alice)
    response = _post_setup(client, placed, selected_on=80, contract_signed_on=10, opened_on=30)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The site cannot open before its contract was signed." in html
    assert f'value="{(TODAY - 10 * DAY).isoformat()}"' in html  # the input is kept
    assert f'id="id_setup{placed.pk}-opened_on_error"' in html or "is-invalid" in html
    placed.refresh_from_db()
    assert (placed.contract_signed_on, placed.opened_on) == (None, None)


def test_it_refuses_a_future_date(client, alice, placed):
    client.force_login(alice)
    response = _post_setup(client, placed, costing_agreed_on=-2)
    assert "This date is in the future." in response.content.decode()
    placed.refresh_from_db()
    assert placed.costing_agreed_on is None


def test_it_records_the_studys_regulatory_review(client, alice, placed):
    client.force_login(alice)
    url = reverse("feasibility:regulatory-edit", args=[placed.request_id])
    data = {
        "regulatory_submitted_on": (TODAY - 70 * DAY).isoformat(),
        "regulatory_approved_on": (TODAY - 5 * DAY).isoformat(),
    }
    assert client.post(url, data).status_code == 302
    html = client.get(reverse("feasibility:outcome", args=[placed.request_id])).content.decode()
    assert "65 days; target 60" in html
    bad = client.post(url, {**data, "regulatory_approved_on": (TODAY - 75 * DAY).isoformat()})
    assert bad.status_code == 200
    assert "Approval cannot come before submission." in bad.content.decode()
    placed.request.refresh_from_db()
    assert placed.request.regulatory_approved_on == TODAY - 5 * DAY


@pytest.mark.parametrize("user, expected", [("victor", 403), ("bob", 403), ("carol", 404)])
def test_it_guards_regulatory_edits(client, request, placed, user, expected):
    client.force_login(request.getfixturevalue(user))
    url = reverse("feasibility:regulatory-edit", args=[placed.request_id])
    assert client.post(url, {"regulatory_submitted_on": TODAY.isoformat()}).status_code == expected
    placed.request.refresh_from_db()
    assert placed.request.regulatory_submitted_on is None


def test_it_takes_funding_and_regulatory_dates_on_the_request_form(client, alice, sponsor, taxonomy):
    client.force_login(alice)
    data = {
        "title": "CD19 CAR-T in relapsed ALL",
        "sponsor": sponsor.pk,
        "received_on": TODAY.isoformat(),
        "modality": "cell_therapy",
        "phase": "phase_1",
        "populations": ["paediatric"],
        "funding": "collaborative",
        "regulatory_submitted_on": (TODAY + DAY).isoformat(),
    }
    response = client.post(reverse("feasibility:request-create"), data)
    assert response.status_code == 200 and "This date is in the future." in response.content.decode()
    data["regulatory_submitted_on"] = (TODAY - DAY).isoformat()
    assert client.post(reverse("feasibility:request-create"), data).status_code == 302
    from feasibility.models import FeasibilityRequest

    made = FeasibilityRequest.objects.get(title="CD19 CAR-T in relapsed ALL")
    assert (made.funding, made.advanced_therapy, made.regulatory_submitted_on) == (
        "collaborative",
        True,
        TODAY - DAY,
    )
