"""The sponsor-facing network capability directory PDF."""

import subprocess

import pytest
from django.urls import reverse

from capabilities.models import Capability
from tests.factories import CentreCapabilityFactory, CentreFactory

pytestmark = pytest.mark.django_db

URL = reverse("capabilities:directory-pdf")


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "directory.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_it_sends_anonymous_visitors_to_sign_in(client):
    assert "/accounts/login/" in client.get(URL)["Location"]


def test_it_renders_a_dated_pdf_naming_every_active_centre(client_for, victor, leeds, manchester, tmp_path):
    CentreCapabilityFactory(centre=leeds, capability=Capability.objects.get(code="unit.beds"), quantity=14)
    CentreCapabilityFactory(centre=manchester, capability=Capability.objects.get(code="haematology"))
    CentreFactory(name="Closed ECMC", code="closed", active=False)
    response = client_for(victor).get(URL)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    assert "Network capability directory" in text
    assert "Contents" in text
    assert text.count("Leeds ECMC") >= 2 and text.count("Manchester ECMC") >= 2  # contents and its own page
    assert "Closed ECMC" not in text
    assert "14 beds" in text
    assert "Haematological malignancies" in text
    from django.utils import timezone

    assert timezone.localdate().strftime("%B %Y") in text


def test_it_says_when_a_centre_has_no_profile_yet(client_for, bob, leeds, tmp_path):
    text = pdf_text(client_for(bob).get(URL).content, tmp_path)
    assert "not yet published its capability profile" in text


def test_it_reads_the_directory_in_the_same_number_of_queries_for_3_or_30_centres(db, django_assert_max_num_queries):
    from capabilities.models import Centre
    from capabilities.pdf import directory_context

    def make(n):
        for _ in range(n):
            centre = CentreFactory()
            for code in ("adult", "tumour.lung", "unit.beds"):
                CentreCapabilityFactory(centre=centre, capability=Capability.objects.get(code=code))

    make(3)
    with django_assert_max_num_queries(5) as few:
        assert len(directory_context(Centre.objects.active())["sections"]) == 3
    make(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(directory_context(Centre.objects.active())["sections"]) == 30
