"""Partner centres (DESIGN.md sections 4 and 6): named by the office, both ways, with history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from capabilities import services
from tests.factories import CentreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gosh(db):
    return CentreFactory(name="Great Ormond Street Hospital", code="gosh-paediatric")


@pytest.fixture
def ucl(db):
    return CentreFactory(name="UCL ECMC", code="ucl")


def test_it_makes_a_partnership_mutual_and_keeps_it_in_history(alice, gosh, ucl):
    services.centre_update(actor=alice, centre=gosh, partners=[ucl])
    assert list(ucl.partners.all()) == [gosh]
    assert list(gosh.partners.all()) == [ucl]
    assert gosh.history.first().history_user == alice
    assert [p.to_centre_id for p in gosh.history.first().partners.all()] == [ucl.pk]


def test_it_refuses_a_centre_as_its_own_partner_and_changes_nothing(alice, gosh, ucl):
    with pytest.raises(ValidationError) as exc:
        services.centre_update(actor=alice, centre=gosh, partners=[gosh, ucl])
    assert "own partner" in str(exc.value)
    assert not gosh.partners.exists()


def test_it_lets_only_the_office_name_partners(bob, gosh, ucl):
    with pytest.raises(PermissionDenied):
        services.centre_update(actor=bob, centre=gosh, partners=[ucl])
    assert not gosh.partners.exists()


def test_it_shows_and_sets_partners_through_the_api(api, alice, victor, gosh, ucl):
    api.force_authenticate(alice)
    response = api.patch(f"/api/v1/centres/{gosh.pk}/", {"partners": [ucl.pk]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["partners"] == [ucl.pk]
    api.force_authenticate(victor)
    assert api.get(f"/api/v1/centres/{ucl.pk}/").json()["partners"] == [gosh.pk]


def test_it_answers_an_unknown_or_own_partner_with_a_field_message(api, alice, gosh):
    api.force_authenticate(alice)
    unknown = api.patch(f"/api/v1/centres/{gosh.pk}/", {"partners": [99999]}, format="json")
    assert unknown.status_code == 400 and "partners" in unknown.json()
    own = api.patch(f"/api/v1/centres/{gosh.pk}/", {"partners": [gosh.pk]}, format="json")
    assert own.status_code == 400 and "own partner" in str(own.json()["partners"])


def test_it_lets_centre_staff_read_but_not_set_partners(api, bob, gosh, ucl):
    api.force_authenticate(bob)
    assert api.patch(f"/api/v1/centres/{gosh.pk}/", {"partners": [ucl.pk]}, format="json").status_code == 403
    assert not gosh.partners.exists()


def test_it_lets_the_office_name_partners_on_the_centre_page(client, alice, gosh, ucl):
    client.force_login(alice)
    url = reverse("capabilities:centre-edit", args=[gosh.pk])
    form = client.get(url).content.decode()
    assert f'value="{ucl.pk}"' in form and f'name="partners" value="{gosh.pk}"' not in form  # not its own partner
    data = {"name": gosh.name, "code": gosh.code, "nation": "england", "city": "London", "active": "on"}
    assert client.post(url, {**data, "partners": [ucl.pk]}).status_code == 302
    assert list(ucl.partners.all()) == [gosh]
    page = client.get(reverse("capabilities:centre-detail", args=[ucl.pk])).content.decode()
    assert "Partner centre: " in page and gosh.name in page
    assert client.post(url, data).status_code == 302  # none ticked: the partnership ends, both ways
    assert not ucl.partners.exists()
