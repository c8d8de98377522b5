"""Uploads: each file's content must match its extension, a submission is capped in number and in total
size, text fields are capped, and refused posts count toward the public form's per-address limit."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feasibility import services
from feasibility.models import FeasibilityRequest
from tests.factories import office_file
from tests.feasibility.test_views import public_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("synopsis.pdf", b"<html><script>alert(1)</script></html>"),
        ("protocol.docx", b"MZ\x90\x00 an executable"),
        ("protocol.docx", office_file("xlsx")),  # a spreadsheet named as a document
        ("sites.xlsx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_it_refuses_a_file_whose_content_is_not_what_its_extension_says(name, content):
    with pytest.raises(ValidationError, match="not a real"):
        services.check_attachment(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [("synopsis.pdf", b"%PDF-1.7\n..."), ("protocol.docx", office_file("docx")), ("sites.xlsx", office_file("xlsx"))],
)
def test_it_accepts_real_documents(name, content):
    services.check_attachment(SimpleUploadedFile(name, content))


def test_it_caps_the_total_of_one_submission():
    nine_mb = b"%PDF-1.7" + b"x" * (9 * 1024 * 1024)
    uploads = [SimpleUploadedFile(f"part{n}.pdf", nine_mb) for n in range(3)]
    with pytest.raises(ValidationError, match="more than 25 MB in all"):
        services.check_attachments(uploads)
    with pytest.raises(ValidationError, match="at most 10"):
        services.check_attachments([SimpleUploadedFile(f"p{n}.pdf", b"%PDF-1.7") for n in range(11)])


def test_it_refuses_html_posing_as_a_pdf_on_the_public_form(client):
    cache.clear()
    upload = SimpleUploadedFile("synopsis.pdf", b"<html></html>", content_type="application/pdf")
    response = client.post(reverse("feasibility:public-form"), public_data(attachments=[upload]))
    assert response.status_code == 200 and "not a real PDF" in response.content.decode()
    assert not FeasibilityRequest.objects.exists()


def test_it_caps_the_synopsis_length(client):
    cache.clear()
    response = client.post(reverse("feasibility:public-form"), public_data(synopsis="x" * 20_001))
    assert response.status_code == 200 and "at most 20000 characters" in response.content.decode()


def test_it_refuses_a_post_too_large_in_all_before_reading_it(client):
    cache.clear()
    response = client.post(reverse("feasibility:public-form"), public_data(), CONTENT_LENGTH=str(41 * 1024 * 1024))
    assert response.status_code == 413 and "too large in all" in response.content.decode()


def test_it_counts_refused_posts_toward_the_per_address_limit(client):
    cache.clear()
    for _ in range(20):
        assert client.post(reverse("feasibility:public-form"), public_data(nda_confirmed="")).status_code == 200
    assert client.post(reverse("feasibility:public-form"), public_data()).status_code == 429
    assert not FeasibilityRequest.objects.exists()
