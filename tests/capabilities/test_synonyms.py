"""The office edits the words sponsors use for a capability (one per line); synopsis extraction reads them."""

import pytest
from django.urls import reverse

from capabilities.models import Capability

pytestmark = pytest.mark.django_db


def test_it_edits_synonyms_one_per_line_and_keeps_them_in_history(client_for, alice):
    lung = Capability.objects.get(code="tumour.lung")
    client = client_for(alice)
    page = client.get(reverse("capabilities:capability-edit", args=[lung.pk])).content.decode()
    assert "NSCLC" in page
    response = client.post(
        reverse("capabilities:capability-edit", args=[lung.pk]),
        {"name": lung.name, "area": lung.area_id, "synonyms": "NSCLC\n  SCLC \n\nNSCLC\nlung adenocarcinoma"},
    )
    assert response.status_code == 302
    lung.refresh_from_db()
    assert lung.synonyms == ["NSCLC", "SCLC", "lung adenocarcinoma"]
    assert lung.history.first().history_user == alice
