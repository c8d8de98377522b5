"""The API permission matrix: every endpoint of the router, every role (pretix-style).

Anonymous requests are refused (401); viewers read but never write (403); centre staff cannot write
outside their own centres (403); the Programme Office's invalid writes are explained (400), never
refused for permission. Detailed per-object rules are tested with each app's API.
"""

import pytest

from crm.api_urls import router

pytestmark = pytest.mark.django_db

LIST_ROUTES = sorted(prefix for prefix, viewset, _basename in router.registry if hasattr(viewset, "list"))
# Centre staff write their own centres' capability levels; their refusal depends on the row, not the role.
CENTRE_WRITABLE = {"centre-capabilities"}
# Where DESIGN.md section 5 says centre staff have "none", the list itself is refused (403).
NONE_FOR_CENTRE_STAFF = {"initiatives"}


def url(prefix: str) -> str:
    return f"/api/v1/{prefix}/"


@pytest.mark.parametrize("prefix", LIST_ROUTES)
def test_it_refuses_anonymous_requests(api, prefix):
    assert api.get(url(prefix)).status_code == 401
    assert api.post(url(prefix), {}, format="json").status_code == 401


@pytest.mark.parametrize("prefix", LIST_ROUTES)
def test_it_lets_every_role_list_what_it_may_see(api, prefix, alice, bob, victor):
    for user in (alice, bob, victor):
        if user is bob and prefix in NONE_FOR_CENTRE_STAFF:
            continue
        api.force_authenticate(user)
        response = api.get(url(prefix))
        assert response.status_code == 200, (user.username, response.status_code)
        assert {"count", "next", "previous", "results"} <= set(response.json()), prefix


@pytest.mark.parametrize("prefix", sorted(NONE_FOR_CENTRE_STAFF))
def test_it_refuses_centre_staff_a_list_they_have_no_access_to(api, prefix, bob):
    api.force_authenticate(bob)
    assert api.get(url(prefix)).status_code == 403


@pytest.mark.parametrize("prefix", LIST_ROUTES)
def test_it_never_lets_a_viewer_write(api, prefix, victor):
    api.force_authenticate(victor)
    assert api.post(url(prefix), {}, format="json").status_code in (403, 405)


@pytest.mark.parametrize("prefix", [p for p in LIST_ROUTES if p not in CENTRE_WRITABLE])
def test_it_never_lets_centre_staff_write_network_records(api, prefix, bob):
    api.force_authenticate(bob)
    assert api.post(url(prefix), {}, format="json").status_code in (403, 405)


@pytest.mark.parametrize("prefix", LIST_ROUTES)
def test_it_explains_an_invalid_write_to_the_programme_office(api, prefix, alice):
    api.force_authenticate(alice)
    response = api.post(url(prefix), {}, format="json")
    assert response.status_code in (400, 405), response.status_code
    if response.status_code == 400:
        assert response.json(), "a 400 says what is wrong"
