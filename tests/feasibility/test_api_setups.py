"""Outcome, study-level regulatory dates, site set-ups and communities through the API (DESIGN.md section 6)."""

import datetime

import pytest
from django.utils import timezone

from capabilities.models import Capability
from feasibility import services
from feasibility.models import FeasibilityRequest, SiteSetUp
from tests.factories import CapabilityFactory, FeasibilityRequestFactory, SiteSetUpFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
REQUESTS = "/api/v1/feasibility-requests/"
SETUPS = "/api/v1/site-setups/"


@pytest.fixture
def routed(alice, triage_request, leeds, manchester):
    services.route_request(actor=alice, request=triage_request, centres=[leeds, manchester])
    return triage_request


@pytest.fixture
def placed(alice, routed, leeds):
    services.request_set_outcome(
        actor=alice, request=routed, outcome="placed", centres=[leeds], closed_on=TODAY - 100 * DAY
    )
    return routed


def test_it_places_a_request_once_and_follows_the_centres_named(api, alice, routed, leeds):
    api.force_authenticate(alice)
    body = {"outcome": "placed", "closed_on": (TODAY - 3 * DAY).isoformat(), "centres": [leeds.pk]}
    response = api.post(f"{REQUESTS}{routed.pk}/outcome/", body, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["closed_on"]) == ("placed", body["closed_on"])
    assert list(SiteSetUp.objects.values_list("centre", "selected_on")) == [(leeds.pk, TODAY - 3 * DAY)]
    again = api.post(f"{REQUESTS}{routed.pk}/outcome/", {"outcome": "withdrawn"}, format="json")
    assert again.status_code == 400
    routed.refresh_from_db()
    assert routed.status == "placed"


def test_it_refuses_an_outcome_in_the_future_naming_the_field(api, alice, routed):
    api.force_authenticate(alice)
    body = {"outcome": "not_placed", "closed_on": (TODAY + DAY).isoformat()}
    response = api.post(f"{REQUESTS}{routed.pk}/outcome/", body, format="json")
    assert response.status_code == 400
    assert "closed_on" in response.json()
    assert FeasibilityRequest.objects.get(pk=routed.pk).status == "circulating"


def test_it_lets_only_the_programme_office_record_an_outcome(api, bob, victor, carol, routed):
    for user, code in ((bob, 403), (victor, 403)):
        api.force_authenticate(user)
        assert api.post(f"{REQUESTS}{routed.pk}/outcome/", {"outcome": "withdrawn"}, format="json").status_code == code
    api.force_authenticate(carol)  # routed to Manchester too: visible, but not hers to close
    assert api.post(f"{REQUESTS}{routed.pk}/outcome/", {"outcome": "withdrawn"}, format="json").status_code == 403
    assert FeasibilityRequest.objects.get(pk=routed.pk).status == "circulating"


def test_it_records_the_studys_regulatory_dates_after_placement(api, alice, placed):
    api.force_authenticate(alice)
    body = {
        "regulatory_submitted_on": (TODAY - 90 * DAY).isoformat(),
        "regulatory_approved_on": (TODAY - 20 * DAY).isoformat(),
        "advanced_therapy": True,
    }
    response = api.patch(f"{REQUESTS}{placed.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    placed.refresh_from_db()
    assert (placed.days_to_approval, placed.approval_target_days) == (70, 90)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"regulatory_submitted_on": "2025-03-01", "regulatory_approved_on": "2025-02-01"}, "regulatory_approved_on"),
        ({"regulatory_submitted_on": (TODAY + DAY).isoformat()}, "regulatory_submitted_on"),
        ({"regulatory_approved_on": "2025-02-01"}, "regulatory_submitted_on"),
    ],
)
def test_it_refuses_regulatory_dates_out_of_order_naming_the_field(api, alice, placed, body, field):
    api.force_authenticate(alice)
    response = api.patch(f"{REQUESTS}{placed.pk}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    placed.refresh_from_db()
    assert placed.regulatory_submitted_on is None and placed.regulatory_approved_on is None


def test_it_shows_set_ups_to_whom_they_belong(api, alice, victor, bob, carol, placed, leeds):
    for user, count in ((alice, 1), (victor, 1), (bob, 1), (carol, 0)):
        api.force_authenticate(user)
        assert api.get(SETUPS).json()["count"] == count, user.username
    api.force_authenticate(alice)
    row = api.get(SETUPS, {"request": placed.pk, "centre": leeds.pk}).json()["results"][0]
    assert row == {
        "id": row["id"],
        "request": placed.pk,
        "centre": leeds.pk,
        "selected_on": (TODAY - 100 * DAY).isoformat(),
        "contract_signed_on": None,
        "costing_agreed_on": None,
        "opened_on": None,
        "first_participant_on": None,
        "participants": 0,
    }
    assert api.get(SETUPS, {"centre": placed.pk + 999}).status_code in (200, 400)


def test_it_records_site_milestones_in_order(api, alice, placed):
    services.request_regulatory_update(
        actor=alice, request=placed, regulatory_submitted_on=TODAY - 95 * DAY, regulatory_approved_on=TODAY - 60 * DAY
    )
    setup = SiteSetUp.objects.get()
    api.force_authenticate(alice)
    body = {
        "contract_signed_on": (TODAY - 50 * DAY).isoformat(),
        "costing_agreed_on": (TODAY - 55 * DAY).isoformat(),
        "opened_on": (TODAY - 40 * DAY).isoformat(),
        "first_participant_on": (TODAY - 30 * DAY).isoformat(),
        "participants": 4,
    }
    response = api.patch(f"{SETUPS}{setup.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    setup.refresh_from_db()
    assert (setup.days_to_open, setup.days_to_first_participant, setup.participants) == (20, 10, 4)


@pytest.mark.parametrize(
    ("days_ago", "field"),
    [
        ({"opened_on": 70}, "opened_on"),  # before the study's approval (60 days ago)
        ({"contract_signed_on": 10, "opened_on": 20}, "opened_on"),  # contract after opening
        ({"costing_agreed_on": 10, "opened_on": 20}, "opened_on"),  # costing after opening
        ({"opened_on": 20, "first_participant_on": 25}, "first_participant_on"),
        ({"first_participant_on": 5}, "opened_on"),  # a first participant needs an open site
        ({"contract_signed_on": -1}, "contract_signed_on"),  # tomorrow
        ({"opened_on": -3}, "opened_on"),
    ],
)
def test_it_refuses_site_dates_out_of_order_or_in_the_future(api, alice, placed, days_ago, field):
    services.request_regulatory_update(
        actor=alice, request=placed, regulatory_submitted_on=TODAY - 95 * DAY, regulatory_approved_on=TODAY - 60 * DAY
    )
    setup = SiteSetUp.objects.get()
    api.force_authenticate(alice)
    body = {name: (TODAY - n * DAY).isoformat() for name, n in days_ago.items()}
    response = api.patch(f"{SETUPS}{setup.pk}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    setup.refresh_from_db()
    assert (setup.opened_on, setup.contract_signed_on, setup.first_participant_on) == (None, None, None)


def test_it_refuses_negative_participants(api, alice, placed):
    setup = SiteSetUp.objects.get()
    api.force_authenticate(alice)
    response = api.patch(f"{SETUPS}{setup.pk}/", {"participants": -1}, format="json")
    assert response.status_code == 400 and "participants" in response.json()


def test_it_adds_a_site_to_a_placed_study_once(api, alice, placed, manchester, leeds):
    api.force_authenticate(alice)
    body = {"request": placed.pk, "centre": manchester.pk, "selected_on": (TODAY - DAY).isoformat()}
    assert api.post(SETUPS, body, format="json").status_code == 201
    again = api.post(SETUPS, {"request": placed.pk, "centre": leeds.pk}, format="json")
    assert again.status_code == 400 and "centre" in again.json()
    assert SiteSetUp.objects.count() == 2


def test_it_keeps_centre_staff_and_viewers_from_writing_set_ups(api, bob, victor, carol, placed):
    setup = SiteSetUp.objects.get()
    for user, code in ((bob, 403), (victor, 403), (carol, 404)):
        api.force_authenticate(user)
        response = api.patch(f"{SETUPS}{setup.pk}/", {"participants": 3}, format="json")
        assert response.status_code == code, user.username
    setup.refresh_from_db()
    assert setup.participants == 0


# Communities ------------------------------------------------------------------------------------------


def test_it_derives_haematology_from_a_haematological_tumour_type(api, alice, sponsor):
    myeloma = Capability.objects.get(code="tumour.myeloma")
    assert myeloma.haematological
    request = FeasibilityRequestFactory(sponsor=sponsor, populations=["adult", "paediatric"])
    request.tumour_types.set([myeloma])
    assert request.communities == ["adult", "paediatric", "haematology"]
    api.force_authenticate(alice)
    assert api.get(f"{REQUESTS}{request.pk}/").json()["communities"] == ["adult", "paediatric", "haematology"]


def test_it_derives_haematology_from_the_required_capability_only(alice, sponsor, taxonomy):
    required = services.request_create(
        actor=alice, title="A", sponsor=sponsor, requirements=[{"capability": "haematology", "necessity": "required"}]
    )
    preferred = services.request_create(
        actor=alice, title="B", sponsor=sponsor, requirements=[{"capability": "haematology", "necessity": "preferred"}]
    )
    solid = services.request_create(actor=alice, title="C", sponsor=sponsor, populations=["paediatric"])
    assert required.communities == ["adult", "haematology"]
    assert preferred.communities == ["adult"]
    assert solid.communities == ["paediatric"]


def test_it_filters_requests_by_community_in_the_database(api, alice, sponsor):
    lymphoma = FeasibilityRequestFactory(sponsor=sponsor)
    lymphoma.tumour_types.set([Capability.objects.get(code="tumour.lymphoma")])
    children = FeasibilityRequestFactory(sponsor=sponsor, populations=["paediatric"])
    both = FeasibilityRequestFactory(sponsor=sponsor, populations=["adult", "paediatric"])
    assert set(FeasibilityRequest.objects.in_community("haematology")) == {lymphoma}
    assert set(FeasibilityRequest.objects.in_community("paediatric")) == {children, both}
    assert set(FeasibilityRequest.objects.in_community("adult")) == {lymphoma, both}
    api.force_authenticate(alice)
    ids = {r["id"] for r in api.get(REQUESTS, {"community": "paediatric"}).json()["results"]}
    assert ids == {children.pk, both.pk}


def test_it_filters_capabilities_by_haematological(api, victor):
    CapabilityFactory(code="tumour.test_solid", is_tumour_type=True)
    api.force_authenticate(victor)
    codes = {
        c["code"]
        for c in api.get("/api/v1/capabilities/", {"haematological": "true", "page_size": 500}).json()["results"]
    }
    assert {"tumour.leukaemia", "tumour.lymphoma", "tumour.myeloma"} <= codes
    assert "tumour.test_solid" not in codes and "tumour.lung" not in codes


def test_it_refuses_a_haematological_capability_that_is_not_a_tumour_type(api, alice):
    api.force_authenticate(alice)
    cap = Capability.objects.get(code="haematology")
    response = api.patch(f"/api/v1/capabilities/{cap.pk}/", {"haematological": True}, format="json")
    assert response.status_code == 400 and "haematological" in response.json()


def test_it_takes_funding_on_a_new_request(api, alice, sponsor, taxonomy):
    api.force_authenticate(alice)
    body = {"title": "Academic CD19 CAR-T", "sponsor": sponsor.pk, "funding": "collaborative"}
    response = api.post(REQUESTS, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["funding"] == "collaborative"
    assert api.post(REQUESTS, {**body, "funding": "charity"}, format="json").status_code == 400


def test_it_lists_setups_in_a_fixed_number_of_queries(api, alice, django_assert_max_num_queries):
    for _ in range(5):
        SiteSetUpFactory()
    api.force_authenticate(alice)
    with django_assert_max_num_queries(6):
        assert api.get(SETUPS).json()["count"] == 5
