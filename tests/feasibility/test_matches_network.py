"""Matching a programme office can trust, on a network built fresh (issue 10, DESIGN.md section 4).

The seeded taxonomy is real; the centres, their levels and the request are made here.
"""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from capabilities import services as directory
from capabilities.models import Capability
from feasibility import services
from tests.factories import CentreCapabilityFactory, CentreFactory, CentreResponseFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def cap(code):
    return Capability.objects.get(code=code)


def hold(centre, code, level="available", **fields):
    return CentreCapabilityFactory(centre=centre, capability=cap(code), level=level, **fields)


@pytest.fixture
def network(alice):
    """Four adult centres and a paediatric unit partnered with the adult centre on its campus."""
    centres = {
        key: CentreFactory(name=name, code=key)
        for key, name in [
            ("near", "Newcastle ECMC"),
            ("far", "Aberdeen ECMC"),
            ("unknown", "Belfast ECMC"),
            ("expired", "Cardiff ECMC"),
            ("child", "Great North Children's Hospital"),
        ]
    }
    for key in ("near", "far", "unknown", "expired"):
        hold(centres[key], "adult")
        hold(centres[key], "haem.jacie", expires_on=TODAY + datetime.timedelta(days=400))
    centres["expired"].capability_levels.filter(capability__code="haem.jacie").update(
        expires_on=datetime.date(2025, 1, 31)
    )
    hold(centres["near"], "unit.minutes_to_icu", quantity=3)
    hold(centres["far"], "unit.minutes_to_icu", quantity=20)
    hold(centres["unknown"], "unit.minutes_to_icu")
    hold(centres["expired"], "unit.minutes_to_icu", quantity=5)
    hold(centres["child"], "paediatric")
    hold(centres["child"], "unit.minutes_to_icu", quantity=2)
    directory.centre_update(actor=alice, centre=centres["child"], partners=[centres["near"]])
    return centres


def make_request(alice, **kwargs):
    fields = {
        "title": "Phase I of XB-9",
        "sponsor": OrganisationFactory(),
        "modality": "cell_therapy",  # its rule requires JACIE accreditation
        "phase": "phase_1",
        "populations": ["adult", "paediatric"],
        "requirements": [{"capability": "unit.minutes_to_icu", "necessity": "required", "at_most": 15}],
        "planned_start": TODAY + datetime.timedelta(days=60),
        **kwargs,
    }
    return services.request_create(actor=alice, **fields)


def test_it_matches_expiry_thresholds_unknown_quantities_and_partners_on_a_new_network(alice, network):
    matches = {m.centre_name: m for m in services.matches_for(make_request(alice))}

    near = matches["Newcastle ECMC"]
    assert near.eligible and near.score is not None and near.limited == []

    far = matches["Aberdeen ECMC"]
    assert not far.eligible and far.score is None
    assert "Time to intensive care 20 minutes, at most 15 minutes required." in far.reasons

    unknown = matches["Belfast ECMC"]
    assert unknown.eligible and unknown.limited == ["unit.minutes_to_icu"]

    expired = matches["Cardiff ECMC"]
    assert not expired.eligible and expired.score is None
    assert "JACIE accreditation expired on 31 Jan 2025." in expired.reasons

    child = matches["Great North Children's Hospital"]
    assert child.eligible, child.reasons
    assert child.via == {"haem.jacie": "Newcastle ECMC"}
    assert "JACIE accreditation via Newcastle ECMC." in child.reasons

    for match in matches.values():
        assert not any("haem." in r or "unit." in r for r in match.reasons), match.reasons


def test_it_puts_the_ineligible_after_without_scores(alice, network):
    results = services.matches_for(make_request(alice))
    assert [m.eligible for m in results] == [True, True, True, False, False]
    assert [m.score for m in results[3:]] == [None, None]


def test_it_flags_an_accreditation_expiring_before_the_planned_start(alice, network):
    network["near"].capability_levels.filter(capability__code="haem.jacie").update(
        expires_on=TODAY + datetime.timedelta(days=30)
    )
    matches = {m.centre_name: m for m in services.matches_for(make_request(alice))}
    near = matches["Newcastle ECMC"]
    assert near.eligible and near.limited == ["haem.jacie"]
    assert any("before the planned start" in r for r in near.reasons)


def test_it_counts_a_partner_when_routing_only_the_partnered_centre(alice, network):
    request = make_request(alice)
    made = services.route_request(actor=alice, request=request, centres=[network["child"]])
    assert made[0].eligible
    assert made[0].explanation["via"] == [
        {"capability": "haem.jacie", "name": "JACIE accreditation", "partner": "Newcastle ECMC"}
    ]


def test_it_keeps_thresholds_on_requirements(alice, network):
    request = make_request(alice)
    row = request.requirements.get()
    assert (row.at_most, row.at_least) == (15, None)
    services.request_update(
        actor=alice,
        request=request,
        requirements=[{"capability": "unit.beds", "necessity": "preferred", "at_least": 4}],
    )
    row = request.requirements.get()
    assert (row.capability.code, row.at_most, row.at_least) == ("unit.beds", None, 4)


@pytest.mark.parametrize(
    ("requirement", "message"),
    [
        ({"capability": "radio.radiopharmacy", "at_most": 3}, "On-site radiopharmacy has no quantity"),
        ({"capability": "unit.beds", "at_least": 6, "at_most": 2}, "at least 6 is more than at most 2"),
        ({"capability": "unit.beds", "at_least": -1}, "whole number"),
    ],
)
def test_it_refuses_a_threshold_that_cannot_apply_and_changes_nothing(alice, network, requirement, message):
    request = make_request(alice)
    with pytest.raises(ValidationError) as exc:
        services.request_update(actor=alice, request=request, requirements=[{"necessity": "required", **requirement}])
    assert message in str(exc.value.message_dict["requirements"])
    assert request.requirements.get().capability.code == "unit.minutes_to_icu"


def test_it_gives_thresholds_through_the_api_both_ways(api, alice, network):
    api.force_authenticate(alice)
    payload = {
        "title": "XB-9",
        "sponsor": OrganisationFactory().pk,
        "populations": ["adult"],
        "requirements": [
            {"capability": "unit.minutes_to_icu", "necessity": "required", "at_most": 15},
            {"capability": "unit.beds", "necessity": "preferred", "at_least": 4},
            {"capability": "unit.cover_24_7", "necessity": "required"},
        ],
    }
    response = api.post("/api/v1/feasibility-requests/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["requirements"] == [
        {"capability": "unit.beds", "necessity": "preferred", "at_least": 4},
        {"capability": "unit.cover_24_7", "necessity": "required"},
        {"capability": "unit.minutes_to_icu", "necessity": "required", "at_most": 15},
    ]
    refused = api.post(
        "/api/v1/feasibility-requests/",
        {**payload, "requirements": [{"capability": "unit.cover_24_7", "necessity": "required", "at_most": 1}]},
        format="json",
    )
    assert refused.status_code == 400
    assert "has no quantity" in str(refused.json()["requirements"])


def test_it_answers_matches_with_codes_and_null_scores_and_reasons_in_words(api, alice, network):
    request = make_request(alice)
    api.force_authenticate(alice)
    body = api.get(f"/api/v1/feasibility-requests/{request.pk}/matches/").json()
    by_name = {row["centre_name"]: row for row in body}
    assert by_name["Aberdeen ECMC"]["score"] is None
    assert by_name["Aberdeen ECMC"]["missing"] == ["paediatric", "unit.minutes_to_icu"]
    assert by_name["Great North Children's Hospital"]["limited"] == ["haem.jacie"]
    assert "JACIE accreditation via Newcastle ECMC." in by_name["Great North Children's Hospital"]["reasons"]


# The pages: request detail, the centre's answer page, the sponsor summary, the invitation email ----------


def test_it_shows_the_weights_names_and_no_score_for_the_ineligible(client, alice, network):
    request = make_request(alice)
    client.force_login(alice)
    html = client.get(reverse("feasibility:request-detail", args=[request.pk])).content.decode()
    assert "tumour-type expertise 35 + answers on time 25 + preferred capabilities 25 + populations served 15" in html
    assert "Time to intensive care 20 minutes, at most 15 minutes required." in html
    assert "JACIE accreditation via Newcastle ECMC." in html
    assert "haem.jacie" not in html and "unit.minutes_to_icu" not in html
    assert 'title="Only eligible centres are scored"' in html


def test_it_renders_the_request_page_matches_in_constant_queries(client, alice, network, django_assert_max_num_queries):
    request = make_request(alice)
    client.force_login(alice)
    url = reverse("feasibility:request-detail", args=[request.pk])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(25):
        centre = CentreFactory(name=f"Centre {i:02d}")
        hold(centre, "adult")
        hold(centre, "unit.minutes_to_icu", quantity=i)
        hold(centre, "haem.jacie", expires_on=TODAY + datetime.timedelta(days=i * 30 - 100))
        if i % 3 == 0:
            directory.centre_update(actor=alice, centre=centre, partners=[network["near"]])
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert "Centre 24" in html


def test_it_tells_the_partnered_centre_on_its_answer_page_and_in_its_email(
    client, alice, network, django_capture_on_commit_callbacks
):
    network["child"].email = "gnch@example.nhs.uk"
    network["child"].save()
    request = make_request(alice)
    with django_capture_on_commit_callbacks(execute=True):
        (invitation,) = services.route_request(actor=alice, request=request, centres=[network["child"]])
    (message,) = mail.outbox
    assert "partner centre Newcastle ECMC" in message.body
    assert "JACIE" not in message.body  # which capability is lent would tell of the trial
    client.force_login(alice)
    html = client.get(reverse("feasibility:answer", args=[invitation.pk])).content.decode()
    assert "JACIE accreditation via Newcastle ECMC" in html


def test_it_names_the_partner_in_the_sponsor_summary(client, alice, network):
    request = make_request(alice)
    (invitation,) = services.route_request(actor=alice, request=request, centres=[network["child"]])
    CentreResponseFactory(invitation=invitation, decision="interested")
    client.force_login(alice)
    html = client.get(reverse("feasibility:sponsor-summary", args=[request.pk])).content.decode()
    assert "JACIE accreditation via Newcastle ECMC (partner centre)" in html
