"""No filter tells which ids exist: an id that does not exist and one the user may not see answer alike."""

import pytest

from tests.factories import FeasibilityRequestFactory, InvitationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "hidden"),
    [
        ("invitations/?request={}", lambda manchester: InvitationFactory(centre=manchester).request_id),
        ("invitations/?centre={}", lambda manchester: manchester.pk),
        ("feasibility-requests/?sponsor={}", lambda manchester: OrganisationFactory().pk),
    ],
)
def test_it_answers_a_missing_and_an_invisible_id_the_same(api, bob, manchester, path, hidden):
    FeasibilityRequestFactory()
    api.force_authenticate(bob)
    invisible = api.get("/api/v1/" + path.format(hidden(manchester)))
    missing = api.get("/api/v1/" + path.format(999999))
    assert invisible.status_code == missing.status_code == 200
    assert invisible.json()["results"] == missing.json()["results"] == []


def test_it_still_filters_by_a_visible_id(api, alice, manchester):
    invitation = InvitationFactory(centre=manchester)
    InvitationFactory()
    api.force_authenticate(alice)
    response = api.get(f"/api/v1/invitations/?request={invitation.request_id}")
    assert [row["id"] for row in response.json()["results"]] == [invitation.pk]


def test_it_explains_an_id_that_is_not_a_number(api, alice):
    api.force_authenticate(alice)
    response = api.get("/api/v1/invitations/?request=abc")
    assert response.status_code == 400 and "request" in response.json()
