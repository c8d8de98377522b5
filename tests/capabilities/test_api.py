"""The directory API: centres/, capabilities/, centre-capabilities/ (DESIGN.md section 6)."""

import datetime

import pytest
from django.utils import timezone

from capabilities.models import Capability, CapabilityArea, CentreCapability
from crm.models import Role
from tests.factories import CentreCapabilityFactory, CentreFactory, UserFactory

pytestmark = pytest.mark.django_db


def cap(code):
    return Capability.objects.get(code=code)


# Permission matrix: (method, path builder, payload builder, expected status by user) ---------------------


@pytest.fixture
def users(alice, bob, carol, victor):
    lonely = UserFactory(username="nina", role=Role.CENTRE)  # centre staff with no centre yet
    return {"alice": alice, "bob": bob, "carol": carol, "victor": victor, "nina": lonely, "anonymous": None}


@pytest.fixture
def leeds_adult(leeds):
    return CentreCapabilityFactory(centre=leeds, capability=cap("adult"))


MATRIX = [
    # (name, method, path, payload, {user: status})
    ("list centres", "get", "/api/v1/centres/", None,
     {"alice": 200, "bob": 200, "victor": 200, "nina": 200, "anonymous": 401}),
    ("create centre", "post", "/api/v1/centres/", {"name": "Exeter ECMC", "code": "exeter", "nation": "england"},
     {"alice": 201, "bob": 403, "victor": 403, "anonymous": 401}),
    ("update centre", "patch", "/api/v1/centres/{leeds}/", {"city": "Leeds (St James's)"},
     {"alice": 200, "bob": 403, "victor": 403, "anonymous": 401}),
    ("delete centre", "delete", "/api/v1/centres/{leeds}/", None,
     {"alice": 405, "bob": 405, "anonymous": 401}),
    ("list capabilities", "get", "/api/v1/capabilities/", None,
     {"alice": 200, "bob": 200, "victor": 200, "anonymous": 401}),
    ("create capability", "post", "/api/v1/capabilities/",
     {"code": "surgery.robotic", "name": "Robotic surgery", "area": "Trial delivery"},
     {"alice": 201, "bob": 403, "victor": 403, "anonymous": 401}),
    ("update capability", "patch", "/api/v1/capabilities/{adult}/", {"description": "Adults 18+"},
     {"alice": 200, "bob": 403, "victor": 403, "anonymous": 401}),
    ("list levels", "get", "/api/v1/centre-capabilities/", None,
     {"alice": 200, "bob": 200, "carol": 200, "victor": 200, "anonymous": 401}),
    ("create own level", "post", "/api/v1/centre-capabilities/",
     {"centre": "{leeds}", "capability": "tumour.lung", "level": "available"},
     {"alice": 201, "bob": 201, "carol": 403, "victor": 403, "nina": 403, "anonymous": 401}),
    ("update level", "patch", "/api/v1/centre-capabilities/{leeds_adult}/", {"level": "limited"},
     {"alice": 200, "bob": 200, "carol": 403, "victor": 403, "nina": 403, "anonymous": 401}),
    ("delete level", "delete", "/api/v1/centre-capabilities/{leeds_adult}/", None,
     {"alice": 204, "bob": 204, "carol": 403, "victor": 403, "anonymous": 401}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "method", "path", "payload", "user_name", "expected"),
    [(row[0], row[1], row[2], row[3], user, status) for row in MATRIX for user, status in row[4].items()],
    ids=[f"{row[0]}-{user}" for row in MATRIX for user in row[4]],
)
def test_it_answers_each_user_as_the_matrix_says(
    api, users, leeds, leeds_adult, name, method, path, payload, user_name, expected
):
    ids = {"leeds": leeds.pk, "leeds_adult": leeds_adult.pk, "adult": cap("adult").pk}
    path = path.format(**ids)
    if payload:
        payload = {k: (v.format(**ids) if isinstance(v, str) else v) for k, v in payload.items()}
    if users[user_name]:
        api.force_authenticate(users[user_name])
    response = getattr(api, method)(path, payload, format="json")
    assert response.status_code == expected, response.content


# Shapes and filters --------------------------------------------------------------------------------------


def test_it_shows_centres_with_their_levels(api, victor, leeds, leeds_adult):
    api.force_authenticate(victor)
    body = api.get("/api/v1/centres/").json()
    assert body["count"] == 1
    assert body["results"][0] == {
        "id": leeds.pk, "name": "Leeds ECMC", "code": "leeds", "nation": "england", "city": "Leeds",
        "active": True, "capabilities": [{"capability": "adult", "level": "available"}],
    }  # fmt: skip


def test_it_lists_centres_in_constant_queries(api, victor):
    def count_queries(n):
        for _ in range(n):
            centre = CentreFactory()
            CentreCapabilityFactory(centre=centre, capability=cap("adult"))
            CentreCapabilityFactory(centre=centre, capability=cap("tumour.lung"))
        api.force_authenticate(victor)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/v1/centres/?page_size=100").status_code == 200
        return len(ctx.captured_queries)

    assert count_queries(3) == count_queries(27)


def test_it_shows_capabilities_with_the_area_name_and_filters_by_code_and_area(api, bob):
    api.force_authenticate(bob)
    body = api.get("/api/v1/capabilities/?code=haem.jacie").json()
    assert body["results"] == [
        {
            "id": cap("haem.jacie").pk,
            "code": "haem.jacie",
            "name": "JACIE accreditation",
            "area": "Haematology and cellular therapy",
            "description": "",
            "has_quantity": False,
            "expires": True,
            "is_tumour_type": False,
            "haematological": False,
        }
    ]
    by_area = api.get("/api/v1/capabilities/", {"area": "Phase I unit", "page_size": 500}).json()
    assert by_area["count"] == Capability.objects.filter(area__name="Phase I unit").count() > 3
    assert {row["area"] for row in by_area["results"]} == {"Phase I unit"}


def test_it_refuses_an_unknown_area_name_clearly(api, alice):
    api.force_authenticate(alice)
    response = api.post("/api/v1/capabilities/", {"code": "x.y", "name": "X", "area": "Nowhere"}, format="json")
    assert response.status_code == 400
    assert "no capability area named “Nowhere”" in response.json()["area"][0]
    assert not Capability.objects.filter(code="x.y").exists()


def test_it_creates_a_capability_in_a_named_area(api, alice):
    api.force_authenticate(alice)
    response = api.post(
        "/api/v1/capabilities/", {"code": "delivery.weekend", "name": "Weekend dosing", "area": "Trial delivery"}
    )
    assert response.status_code == 201
    assert Capability.objects.get(code="delivery.weekend").area == CapabilityArea.objects.get(name="Trial delivery")


def test_it_refuses_to_change_a_capability_code(api, alice):
    api.force_authenticate(alice)
    response = api.patch(f"/api/v1/capabilities/{cap('adult').pk}/", {"code": "adults"})
    assert response.status_code == 400
    assert "fixed" in response.json()["code"][0]


def test_it_shows_and_filters_centre_levels(api, bob, leeds, manchester):
    CentreCapabilityFactory(centre=leeds, capability=cap("adult"))
    CentreCapabilityFactory(
        centre=leeds, capability=cap("unit.beds"), quantity=8, notes="Ward 95", confirmed_on=datetime.date(2026, 1, 5)
    )
    CentreCapabilityFactory(centre=manchester, capability=cap("adult"))
    api.force_authenticate(bob)
    rows = api.get("/api/v1/centre-capabilities/", {"centre": leeds.pk}).json()["results"]
    assert {r["capability"] for r in rows} == {"adult", "unit.beds"}
    beds = api.get("/api/v1/centre-capabilities/", {"capability": "unit.beds"}).json()["results"]
    assert beds == [
        {
            "id": beds[0]["id"], "centre": leeds.pk, "capability": "unit.beds", "level": "available", "quantity": 8,
            "notes": "Ward 95", "evidence": "", "expires_on": None, "confirmed_on": "2026-01-05",
        }
    ]  # fmt: skip
    assert api.get("/api/v1/centre-capabilities/", {"capability": "adult"}).json()["count"] == 2


def test_it_writes_levels_through_the_rules_with_field_messages(api, bob, leeds):
    api.force_authenticate(bob)
    response = api.post(
        "/api/v1/centre-capabilities/", {"centre": leeds.pk, "capability": "adult", "level": "available", "quantity": 4}
    )
    assert response.status_code == 400
    assert "takes no number" in response.json()["quantity"][0]
    response = api.post(
        "/api/v1/centre-capabilities/",
        {"centre": leeds.pk, "capability": "radio.arsac_licence", "level": "available", "expires_on": "2030-01-31"},
    )
    assert response.status_code == 201
    row = CentreCapability.objects.get(pk=response.json()["id"])
    assert (row.confirmed_by, row.confirmed_on) == (bob, timezone.localdate())


def test_it_updates_an_existing_level_when_posted_again(api, bob, leeds, leeds_adult):
    api.force_authenticate(bob)
    response = api.post("/api/v1/centre-capabilities/", {"centre": leeds.pk, "capability": "adult", "level": "limited"})
    assert response.status_code == 201
    assert CentreCapability.objects.get(pk=leeds_adult.pk).level == "limited"


def test_it_refuses_to_move_a_level_to_another_centre(api, bob, leeds_adult, manchester):
    api.force_authenticate(bob)
    response = api.patch(f"/api/v1/centre-capabilities/{leeds_adult.pk}/", {"centre": manchester.pk})
    assert response.status_code == 400
    assert CentreCapability.objects.get(pk=leeds_adult.pk).centre.code == "leeds"


def test_it_keeps_other_fields_on_a_partial_update(api, bob, leeds):
    row = CentreCapabilityFactory(centre=leeds, capability=cap("unit.beds"), quantity=10, notes="Ward 95")
    api.force_authenticate(bob)
    response = api.patch(f"/api/v1/centre-capabilities/{row.pk}/", {"level": "limited"})
    assert response.status_code == 200, response.content
    row.refresh_from_db()
    assert (row.level, row.quantity, row.notes) == ("limited", 10, "Ward 95")
