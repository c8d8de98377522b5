"""The feasibility API (DESIGN.md section 6) and who may use it (section 5)."""

import datetime

import pytest
from django.utils import timezone

from feasibility import services
from feasibility.models import FeasibilityRequest, Invitation
from tests.factories import CentreFactory, CentreResponseFactory, FeasibilityRequestFactory, InvitationFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
REQUESTS = "/api/v1/feasibility-requests/"
INVITATIONS = "/api/v1/invitations/"


@pytest.fixture
def routed(alice, triage_request, leeds):
    (invitation,) = services.route_request(actor=alice, request=triage_request, centres=[leeds])
    return invitation


@pytest.fixture
def as_user(api, request):
    def sign_in(name):
        if name != "anonymous":
            api.force_authenticate(request.getfixturevalue(name))
        return api

    return sign_in


def test_it_creates_a_request_with_codes(api, alice, sponsor, taxonomy):
    api.force_authenticate(alice)
    response = api.post(
        REQUESTS,
        {
            "title": "XB-204 in NSCLC",
            "sponsor": sponsor.pk,
            "modality": "adc",
            "phase": "phase_1",
            "populations": ["adult"],
            "tumour_types": ["tumour.lung"],
            "requirements": [{"capability": "imaging.pet_ct", "necessity": "required"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith(f"FR-{TODAY.year}-")
    assert body["status"] == "triage"
    assert body["tumour_types"] == ["tumour.lung"]
    assert body["requirements"] == [{"capability": "imaging.pet_ct", "necessity": "required"}]
    assert set(body) == {
        "id",
        "reference",
        "title",
        "sponsor",
        "modality",
        "phase",
        "populations",
        "tumour_types",
        "requirements",
        "sites_sought",
        "received_on",
        "response_deadline",
        "status",
        "under_nda",
        "synopsis",
        "funding",
        "regulatory_submitted_on",
        "regulatory_approved_on",
        "advanced_therapy",
        "communities",
        "closed_on",
    }


def test_it_explains_a_bad_request(api, alice, sponsor, taxonomy):
    api.force_authenticate(alice)
    response = api.post(
        REQUESTS,
        {"title": "T", "sponsor": sponsor.pk, "populations": [], "requirements": [{"capability": "nope"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "populations" in response.json()
    response = api.post(
        REQUESTS, {"title": "T", "sponsor": sponsor.pk, "requirements": [{"capability": "nope"}]}, format="json"
    )
    assert response.status_code == 400
    assert "nope" in str(response.json()["requirements"])
    assert FeasibilityRequest.objects.count() == 0


def test_it_updates_requirements(api, alice, triage_request, taxonomy):
    api.force_authenticate(alice)
    response = api.patch(
        f"{REQUESTS}{triage_request.pk}/",
        {"requirements": [{"capability": "haematology", "necessity": "preferred"}]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["requirements"] == [{"capability": "haematology", "necessity": "preferred"}]


def test_it_lists_matches_eligible_first(api, alice, triage_request, leeds, manchester, taxonomy):
    triage_request.requirements.create(capability=taxonomy["imaging.pet_ct"])
    api.force_authenticate(alice)
    body = api.get(f"{REQUESTS}{triage_request.pk}/matches/").json()
    assert [(m["centre"], m["eligible"]) for m in body] == [(leeds.pk, True), (manchester.pk, False)]
    assert body[1]["missing"] == ["imaging.pet_ct"]
    assert set(body[0]) == {"centre", "centre_name", "eligible", "score", "matched", "missing", "limited", "reasons"}


def test_it_routes_and_returns_the_invitations(api, alice, triage_request, leeds):
    api.force_authenticate(alice)
    response = api.post(f"{REQUESTS}{triage_request.pk}/route/", {"centres": [leeds.pk]}, format="json")
    assert response.status_code == 201
    (made,) = response.json()
    assert (made["centre"], made["request"], made["response"]) == (leeds.pk, triage_request.pk, None)
    again = api.post(f"{REQUESTS}{triage_request.pk}/route/", {"centres": [leeds.pk]}, format="json")
    assert again.status_code == 201 and again.json() == []


def test_it_refuses_a_route_whole(api, alice, triage_request, leeds, manchester, taxonomy):
    triage_request.requirements.create(capability=taxonomy["imaging.pet_ct"])
    api.force_authenticate(alice)
    response = api.post(f"{REQUESTS}{triage_request.pk}/route/", {"centres": [leeds.pk, manchester.pk]}, format="json")
    assert response.status_code == 400
    assert "Manchester ECMC" in str(response.json())
    assert Invitation.objects.count() == 0
    deadline = (TODAY + datetime.timedelta(days=9)).isoformat()
    response = api.post(
        f"{REQUESTS}{triage_request.pk}/route/",
        {"centres": [leeds.pk, manchester.pk], "override_reason": "Sponsor asked", "deadline": deadline},
        format="json",
    )
    assert response.status_code == 201
    assert {i["deadline"] for i in response.json()} == {deadline}


def test_it_takes_an_answer(api, bob, routed):
    api.force_authenticate(bob)
    response = api.put(
        f"{INVITATIONS}{routed.pk}/response/",
        {"decision": "interested", "principal_investigator": "Dr Reed", "estimated_patients": 6},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["response"]["decision"] == "interested"
    response = api.put(f"{INVITATIONS}{routed.pk}/response/", {"decision": "declined"}, format="json")
    assert response.status_code == 400
    assert "decline_reason" in response.json()


def test_it_filters_invitations(api, alice, routed, manchester):
    other = InvitationFactory(centre=manchester)
    api.force_authenticate(alice)
    assert [i["id"] for i in api.get(f"{INVITATIONS}?centre={manchester.pk}").json()["results"]] == [other.pk]
    assert [i["id"] for i in api.get(f"{INVITATIONS}?request={routed.request_id}").json()["results"]] == [routed.pk]


# Who may do what ----------------------------------------------------------------------------------


def test_it_shows_centre_staff_only_their_own_invitations_and_requests(api, bob, routed, manchester):
    foreign = InvitationFactory(centre=manchester)
    CentreResponseFactory(invitation=foreign)
    api.force_authenticate(bob)
    invitations = api.get(INVITATIONS).json()["results"]
    assert [i["id"] for i in invitations] == [routed.pk]
    assert "score" not in invitations[0]
    assert [r["id"] for r in api.get(REQUESTS).json()["results"]] == [routed.request_id]
    assert api.get(f"{INVITATIONS}{foreign.pk}/").status_code == 404
    assert api.get(f"{REQUESTS}{foreign.request_id}/").status_code == 404


@pytest.mark.parametrize(
    "user, expected",
    [("anonymous", 401), ("alice", 200), ("victor", 200), ("bob", 403), ("carol", 404)],
)
def test_it_guards_matches(as_user, routed, user, expected):
    assert as_user(user).get(f"{REQUESTS}{routed.request_id}/matches/").status_code == expected


@pytest.mark.parametrize(
    "user, expected",
    [("anonymous", 401), ("alice", 201), ("victor", 403), ("bob", 403), ("carol", 404)],
)
def test_it_guards_routing(as_user, routed, manchester, user, expected):
    response = as_user(user).post(f"{REQUESTS}{routed.request_id}/route/", {"centres": [manchester.pk]}, format="json")
    assert response.status_code == expected


@pytest.mark.parametrize(
    "user, expected",
    [("anonymous", 401), ("alice", 200), ("victor", 403), ("bob", 200), ("carol", 404)],
)
def test_it_guards_answers(as_user, routed, user, expected):
    response = as_user(user).put(f"{INVITATIONS}{routed.pk}/response/", {"decision": "interested"}, format="json")
    assert response.status_code == expected


def test_it_refuses_answers_after_the_deadline(api, bob, routed):
    routed.deadline = TODAY - datetime.timedelta(days=1)
    routed.save()
    api.force_authenticate(bob)
    response = api.put(f"{INVITATIONS}{routed.pk}/response/", {"decision": "interested"}, format="json")
    assert response.status_code == 400
    assert "deadline" in str(response.json())


@pytest.mark.parametrize(
    "user, list_status, create_status",
    [("anonymous", 401, 401), ("alice", 200, 201), ("victor", 200, 403), ("bob", 200, 403), ("carol", 200, 403)],
)
def test_it_guards_requests(as_user, routed, sponsor, user, list_status, create_status):
    client = as_user(user)
    assert client.get(REQUESTS).status_code == list_status
    body = {"title": "T", "sponsor": sponsor.pk, "populations": ["adult"]}
    assert client.post(REQUESTS, body, format="json").status_code == create_status
    assert client.get(INVITATIONS).status_code == list_status


@pytest.mark.parametrize("user", ["alice", "bob"])
def test_it_lists_in_constant_queries(api, request, user, leeds, django_assert_max_num_queries):
    api.force_authenticate(request.getfixturevalue(user))

    def grow(n):
        for _ in range(n):
            invitation = InvitationFactory(centre=leeds)
            CentreResponseFactory(invitation=invitation)
            FeasibilityRequestFactory()

    grow(3)
    with django_assert_max_num_queries(20) as small:
        assert api.get(REQUESTS).status_code == 200
        assert api.get(INVITATIONS).status_code == 200
    grow(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api.get(REQUESTS).status_code == 200
        assert api.get(INVITATIONS).status_code == 200


def test_it_does_not_delete_requests(api, alice, triage_request):
    api.force_authenticate(alice)
    assert api.delete(f"{REQUESTS}{triage_request.pk}/").status_code == 405


def test_it_reports_unknown_centres(api, alice, triage_request):
    api.force_authenticate(alice)
    missing = CentreFactory().pk + 100
    response = api.post(f"{REQUESTS}{triage_request.pk}/route/", {"centres": [missing]}, format="json")
    assert response.status_code == 400
