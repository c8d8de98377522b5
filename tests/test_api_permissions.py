"""The API permission matrix: every endpoint of the router, every role (pretix-style).

Anonymous requests are refused (401); viewers read but never write (403); centre staff cannot write
outside their own centres (403); the Programme Office's invalid writes are explained (400), never
refused for permission. A role whose column says "none" (DESIGN.md section 5) gets 403 for the list and
404 for any one object. Sam, a sponsor account, reads only the directory, his company's requests and their
released summaries. Detailed per-object rules are tested with each app's API.
"""

import pytest

from crm.api_urls import router

pytestmark = pytest.mark.django_db

LIST_ROUTES = sorted(prefix for prefix, viewset, _basename in router.registry if hasattr(viewset, "list"))
# Centre staff write their own centres' capability levels; their refusal depends on the row, not the role.
CENTRE_WRITABLE = {"centre-capabilities"}
ENGAGEMENT_ROUTES = {"organisations", "contacts", "events", "engagements", "follow-ups"}
# The lists each role may not read at all ("none" in DESIGN.md section 5): 403, never an empty 200.
NO_LIST = {
    "centre": ENGAGEMENT_ROUTES | {"sponsor-summaries"},
    "sponsor": ENGAGEMENT_ROUTES | {"invitations"},
}
SPONSOR_READS = {"centres", "capabilities", "centre-capabilities", "feasibility-requests", "sponsor-summaries"}


def url(prefix: str) -> str:
    return f"/api/v1/{prefix}/"


@pytest.mark.parametrize("prefix", LIST_ROUTES)
def test_it_refuses_anonymous_requests(api, prefix):
    assert api.get(url(prefix)).status_code == 401
    assert api.post(url(prefix), {}, format="json").status_code == 401


@pytest.mark.parametrize("prefix", LIST_ROUTES)
def test_it_lets_every_role_list_what_it_may_see(api, prefix, alice, bob, victor, sam):
    for user in (alice, bob, victor, sam):
        api.force_authenticate(user)
        response = api.get(url(prefix))
        if prefix in NO_LIST.get(user.role, ()):
            assert response.status_code == 403, (user.username, prefix, response.status_code)
            continue
        assert response.status_code == 200, (user.username, response.status_code)
        assert {"count", "next", "previous", "results"} <= set(response.json()), prefix


def test_it_lets_a_sponsor_read_only_the_directory_its_requests_and_their_summaries():
    assert {p for p in LIST_ROUTES if p not in NO_LIST["sponsor"]} == SPONSOR_READS


@pytest.mark.parametrize("prefix", sorted(NO_LIST["sponsor"]))
def test_it_hides_each_object_of_a_list_a_sponsor_may_not_read(api, prefix, sam, acme):
    from engagements.models import Contact

    contact = Contact.objects.create(first_name="Ann", last_name="Lee", email="ann@acme.example", organisation=acme)
    ids = {"organisations": acme.pk, "contacts": contact.pk}
    api.force_authenticate(sam)
    assert api.get(f"{url(prefix)}{ids.get(prefix, 1)}/").status_code == 404


@pytest.mark.parametrize("prefix", [p for p in LIST_ROUTES if p != "feasibility-requests"])
def test_it_never_lets_a_sponsor_write_network_records(api, prefix, sam):
    api.force_authenticate(sam)
    assert api.post(url(prefix), {}, format="json").status_code in (403, 405)


def test_it_refuses_the_annual_report_to_a_sponsor(api, sam):
    api.force_authenticate(sam)
    assert api.get("/api/v1/reports/annual/2025/").status_code == 403


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
