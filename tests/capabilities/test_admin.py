"""The admin saves through the services: the history names the superuser, codes stay fixed."""

import pytest
from django.urls import reverse

from capabilities.models import Capability, CapabilityArea, Centre, ModalityRule
from crm.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def superuser_client(client):
    admin_user = UserFactory(username="root", role=Role.PROGRAMME_OFFICE, is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    return client, admin_user


def test_it_adds_a_capability_and_a_centre_with_history(client, db):
    client, root = superuser_client(client)
    area = CapabilityArea.objects.get(name="Trial delivery")
    response = client.post(
        reverse("admin:capabilities_capability_add"),
        {"code": "delivery.weekend", "name": "Weekend dosing", "area": area.pk, "order": 0, "quantity_unit": ""},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Capability.objects.get(code="delivery.weekend").history.first().history_user == root
    response = client.post(
        reverse("admin:capabilities_centre_add"),
        {"name": "Exeter ECMC", "code": "exeter", "nation": "england", "city": "Exeter", "active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Centre.objects.get(code="exeter").history.first().history_user == root


def test_it_keeps_a_capability_code_fixed_in_the_admin(client, db):
    client, _ = superuser_client(client)
    adult = Capability.objects.get(code="adult")
    response = client.post(
        reverse("admin:capabilities_capability_change", args=[adult.pk]),
        {"code": "adults", "name": "Adults", "area": adult.area_id, "order": 0, "quantity_unit": ""},
    )
    assert response.status_code == 302
    adult.refresh_from_db()
    assert (adult.code, adult.name) == ("adult", "Adults")


def test_it_adds_a_modality_rule_through_the_service(client, db):
    client, _ = superuser_client(client)
    ctdna = Capability.objects.get(code="translational.ctdna")
    response = client.post(
        reverse("admin:capabilities_modalityrule_add"), {"modality": "vaccine", "capability": ctdna.pk, "note": ""}
    )
    assert response.status_code == 302
    assert ModalityRule.objects.filter(modality="vaccine", capability=ctdna).exists()
