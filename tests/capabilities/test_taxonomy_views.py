"""The taxonomy screen (Programme Office) and the modality rules (everyone reads, the Programme Office edits)."""

import pytest
from django.urls import reverse

from capabilities.models import Capability, CapabilityArea, ModalityRule

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("user_name", ["bob", "victor"])
def test_it_keeps_the_taxonomy_to_the_programme_office(client_for, request, user_name):
    client = client_for(request.getfixturevalue(user_name))
    assert client.get(reverse("capabilities:taxonomy")).status_code == 403
    adult = Capability.objects.get(code="adult")
    assert client.post(reverse("capabilities:capability-edit", args=[adult.pk]), {"name": "x"}).status_code == 403


def test_it_lists_areas_and_capabilities(client_for, alice):
    html = client_for(alice).get(reverse("capabilities:taxonomy")).content.decode()
    assert "Radiopharmaceuticals and imaging" in html and "radio.arsac_licence" in html


def test_it_adds_an_area_and_a_capability(client_for, alice):
    client = client_for(alice)
    response = client.post(reverse("capabilities:taxonomy"), {"area-name": "Surgery", "area-order": "200"})
    assert response.status_code == 302
    area = CapabilityArea.objects.get(name="Surgery")
    response = client.post(
        reverse("capabilities:taxonomy"),
        {"capability-code": "surgery.robotic", "capability-name": "Robotic surgery", "capability-area": area.pk},
    )
    assert response.status_code == 302
    assert Capability.objects.get(code="surgery.robotic").area == area


def test_it_explains_a_bad_code_and_keeps_the_input(client_for, alice):
    area = CapabilityArea.objects.first()
    response = client_for(alice).post(
        reverse("capabilities:taxonomy"),
        {"capability-code": "Robotic Surgery", "capability-name": "Robotic surgery", "capability-area": area.pk},
    )
    html = response.content.decode()
    assert "lower-case words separated by dots" in html
    assert 'value="Robotic surgery"' in html


def test_it_renames_a_capability_but_keeps_its_code(client_for, alice):
    adult = Capability.objects.get(code="adult")
    response = client_for(alice).post(
        reverse("capabilities:capability-edit", args=[adult.pk]),
        {"code": "adults", "name": "Adult trials", "area": adult.area_id},
    )
    assert response.status_code == 302
    adult.refresh_from_db()
    assert (adult.code, adult.name) == ("adult", "Adult trials")


def test_it_edits_an_area(client_for, alice):
    area = CapabilityArea.objects.get(name="Phase I unit")
    response = client_for(alice).post(
        reverse("capabilities:area-edit", args=[area.pk]), {"name": "Clinical research facility", "order": "80"}
    )
    assert response.status_code == 302
    assert CapabilityArea.objects.filter(name="Clinical research facility").exists()


@pytest.mark.parametrize("user_name", ["alice", "bob", "victor"])
def test_it_shows_modality_rules_to_everyone_signed_in(client_for, request, user_name):
    html = client_for(request.getfixturevalue(user_name)).get(reverse("capabilities:modality-rules")).content.decode()
    assert "Radioligand therapy" in html and "radiopharmaceutical" in html
    assert ("Add a rule" in html) == (user_name == "alice")


def test_it_sends_anonymous_visitors_to_sign_in(client):
    assert "/accounts/login/" in client.get(reverse("capabilities:modality-rules"))["Location"]


def test_it_adds_and_removes_rules_for_the_programme_office_only(client_for, alice, bob):
    data = {"modality": "vaccine", "capability": "translational.ctdna", "note": "Immune monitoring"}
    assert client_for(bob).post(reverse("capabilities:modality-rules"), data).status_code == 403
    assert client_for(alice).post(reverse("capabilities:modality-rules"), data).status_code == 302
    rule = ModalityRule.objects.get(modality="vaccine")
    assert client_for(bob).post(reverse("capabilities:modality-rule-remove", args=[rule.pk])).status_code == 403
    assert client_for(alice).post(reverse("capabilities:modality-rule-remove", args=[rule.pk])).status_code == 302
    assert not ModalityRule.objects.filter(modality="vaccine").exists()


def test_it_refuses_a_population_as_a_modality_rule(client_for, alice):
    response = client_for(alice).post(
        reverse("capabilities:modality-rules"), {"modality": "vaccine", "capability": "paediatric"}
    )
    assert "A population is chosen on the request" in response.content.decode()
