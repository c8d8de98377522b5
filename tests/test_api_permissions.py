"""The API permission matrix: every endpoint of the router, every role (pretix-style).

Anonymous requests are refused (401); viewers read but never write (403); centre staff cannot write
outside their own centres (403); the Programme Office's invalid writes are explained (400), never
refused for permission. A role whose column says "none" (DESIGN.md section 5) gets 403 for the list and
404 for any one object. Sam, a sponsor account, reads only the directory, his company's requests and their
released summaries. Detailed per-object rules are tested with each app's API.
"""

import pytest
from django.utils import timezone

from capabilities.models import Capability
from crm.api_urls import router
from engagements.models import Initiative
from feasibility.models import SponsorSummary
from tests.factories import (
    CentreCapabilityFactory,
    ContactFactory,
    EngagementFactory,
    EventFactory,
    FeasibilityRequestFactory,
    FollowUpFactory,
    InvitationFactory,
    OrganisationFactory,
    SiteSetUpFactory,
)

pytestmark = pytest.mark.django_db

LIST_ROUTES = sorted(prefix for prefix, viewset, _basename in router.registry if hasattr(viewset, "list"))
# Centre staff write their own centres' capability levels; their refusal depends on the row, not the role.
CENTRE_WRITABLE = {"centre-capabilities"}
ENGAGEMENT_ROUTES = {"organisations", "contacts", "events", "engagements", "follow-ups", "initiatives"}
# The lists each role may not read at all ("none" in DESIGN.md section 5): 403, never an empty 200.
NO_LIST = {
    "centre": ENGAGEMENT_ROUTES | {"sponsor-summaries"},
    "sponsor": ENGAGEMENT_ROUTES | {"invitations", "site-setups"},
}
NONE_FOR_CENTRE_STAFF = NO_LIST["centre"]
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


@pytest.mark.parametrize("prefix", sorted(NONE_FOR_CENTRE_STAFF))
def test_it_refuses_centre_staff_a_list_they_have_no_access_to(api, prefix, bob):
    api.force_authenticate(bob)
    assert api.get(url(prefix)).status_code == 403


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


# One object and the extra operations: (method, path, payload, {user: status}) --------------------------


@pytest.fixture
def objects(leeds, manchester):
    organisation = OrganisationFactory()
    engagement = EngagementFactory(organisations=[organisation])
    routed = FeasibilityRequestFactory(status="circulating", sponsor=organisation)
    leeds_invitation = InvitationFactory(request=routed, centre=leeds)
    placed = FeasibilityRequestFactory(status="placed", sponsor=organisation)
    return {
        "organisation": organisation.pk,
        "contact": ContactFactory(organisation=organisation).pk,
        "event": EventFactory().pk,
        "engagement": engagement.pk,
        "follow_up": FollowUpFactory(engagement=engagement).pk,
        "centre": leeds.pk,
        "capability": Capability.objects.get(code="adult").pk,
        "leeds_level": CentreCapabilityFactory(centre=leeds, capability=Capability.objects.get(code="adult")).pk,
        "manchester_level": CentreCapabilityFactory(
            centre=manchester, capability=Capability.objects.get(code="adult")
        ).pk,
        "routed": routed.pk,
        "unrouted": FeasibilityRequestFactory(sponsor=organisation).pk,
        "invitation": leeds_invitation.pk,
        "manchester_invitation": InvitationFactory(request=routed, centre=manchester).pk,
        "initiative": Initiative.objects.create(title="Early-phase education webinar", created_at=timezone.now()).pk,
        "leeds_setup": SiteSetUpFactory(request=placed, centre=leeds).pk,
        "manchester_setup": SiteSetUpFactory(request=placed, centre=manchester).pk,
        "summary": SponsorSummary.objects.create(request=routed, sent_to="Dr A Sponsor").pk,
    }


ALL_READ = {"alice": 200, "victor": 200, "bob": 200, "anonymous": 401}
OFFICE_READ = {"alice": 200, "victor": 200, "bob": 404, "anonymous": 401}
OFFICE_WRITE = {"alice": 200, "victor": 403, "bob": 404, "anonymous": 401}

OBJECT_MATRIX = [
    ("get", "organisations/{organisation}/", None, OFFICE_READ),
    ("patch", "organisations/{organisation}/", {"website": "https://example.com"}, OFFICE_WRITE),
    ("get", "contacts/{contact}/", None, OFFICE_READ),
    ("patch", "contacts/{contact}/", {"job_title": "Head of Clinical Operations"}, OFFICE_WRITE),
    ("get", "events/{event}/", None, OFFICE_READ),
    ("patch", "events/{event}/", {"place": "Barcelona"}, OFFICE_WRITE),
    ("get", "engagements/{engagement}/", None, OFFICE_READ),
    ("patch", "engagements/{engagement}/", {"topics": "ADCs"}, OFFICE_WRITE),
    ("get", "follow-ups/{follow_up}/", None, OFFICE_READ),
    ("patch", "follow-ups/{follow_up}/", {"text": "Call back"}, OFFICE_WRITE),
    ("get", "centres/{centre}/", None, ALL_READ),
    ("patch", "centres/{centre}/", {"city": "Leeds"}, {"alice": 200, "victor": 403, "bob": 403, "anonymous": 401}),
    ("get", "capabilities/{capability}/", None, ALL_READ),
    ("patch", "capabilities/{capability}/", {"description": "Adults"}, {"alice": 200, "victor": 403, "bob": 403}),
    ("get", "centre-capabilities/{leeds_level}/", None, ALL_READ),
    ("patch", "centre-capabilities/{leeds_level}/", {"level": "limited"}, {"alice": 200, "victor": 403, "bob": 200}),
    ("patch", "centre-capabilities/{manchester_level}/", {"level": "limited"}, {"victor": 403, "bob": 403}),
    ("get", "feasibility-requests/{routed}/", None, ALL_READ),
    ("get", "feasibility-requests/{unrouted}/", None, OFFICE_READ),
    ("patch", "feasibility-requests/{routed}/", {"title": "Renamed"}, {"alice": 200, "victor": 403, "bob": 403}),
    ("patch", "feasibility-requests/{unrouted}/", {"title": "Renamed"}, OFFICE_WRITE),
    ("get", "feasibility-requests/{routed}/matches/", None, {"alice": 200, "victor": 200, "bob": 403}),
    ("get", "feasibility-requests/{unrouted}/matches/", None, OFFICE_READ),
    ("post", "feasibility-requests/{unrouted}/route/", {"centres": []}, {"alice": 400, "victor": 403, "bob": 404}),
    ("get", "invitations/{invitation}/", None, ALL_READ),
    ("get", "invitations/{manchester_invitation}/", None, OFFICE_READ),
    (
        "put",
        "invitations/{invitation}/response/",
        {"decision": "interested"},
        {"alice": 200, "victor": 403, "bob": 200},
    ),
    ("put", "invitations/{manchester_invitation}/response/", {"decision": "interested"}, {"victor": 403, "bob": 404}),
    ("get", "reports/annual/2025/", None, {"alice": 200, "victor": 200, "bob": 403, "anonymous": 401}),
    ("get", "initiatives/{initiative}/", None, OFFICE_READ),
    ("patch", "initiatives/{initiative}/", {"outputs": "Two sessions, 80 attendees"}, OFFICE_WRITE),
    ("get", "site-setups/{leeds_setup}/", None, ALL_READ),
    ("get", "site-setups/{manchester_setup}/", None, OFFICE_READ),
    ("patch", "site-setups/{leeds_setup}/", {"selected_on": "2025-01-10"}, {"alice": 200, "victor": 403, "bob": 403}),
    ("get", "sponsor-summaries/{summary}/", None, OFFICE_READ),
]


@pytest.mark.parametrize(("method", "path", "payload", "expected"), OBJECT_MATRIX, ids=lambda v: str(v)[:40])
def test_it_answers_each_role_on_each_object_as_the_access_table_says(
    api, objects, alice, bob, victor, method, path, payload, expected
):
    users = {"alice": alice, "bob": bob, "victor": victor, "anonymous": None}
    for name, status in expected.items():
        api.force_authenticate(users[name])
        response = getattr(api, method)("/api/v1/" + path.format(**objects), payload, format="json")
        assert response.status_code == status, (name, method, path, response.status_code, response.content[:300])


def test_the_matrix_names_every_operation_of_the_router():
    """A new endpoint must be added to the matrix above (its access written down) before it ships."""
    covered = {path.split("/{")[0].split("/")[0] for _method, path, _payload, _expected in OBJECT_MATRIX}
    assert set(LIST_ROUTES) - {"reports"} <= covered | {"reports"}, set(LIST_ROUTES) - covered
