"""Every emailed or printed link points at SITE_URL, whatever host the request arrived on."""

import subprocess

import pytest
from django.core import mail
from django.urls import reverse

from crm.models import Role
from feasibility import services
from tests.factories import FeasibilityRequestFactory

pytestmark = pytest.mark.django_db

SITE = "https://epoch.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def test_it_links_an_invitation_email_to_site_url(client, alice, leeds, django_capture_on_commit_callbacks):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("crm:user-list"),
            {
                "email": "nia@leeds.example",
                "first_name": "Nia",
                "last_name": "Ward",
                "role": Role.CENTRE,
                "centres": [leeds.pk],
            },
        )
    (message,) = mail.outbox
    assert f"{SITE}/invitation/" in message.body
    assert "testserver" not in message.body and "127.0.0.1" not in message.body


def test_it_links_a_password_reset_email_to_site_url(client, alice):
    client.post(reverse("account_reset_password"), {"email": "alice@example.org"}, HTTP_HOST="127.0.0.1:8000")
    (message,) = mail.outbox
    assert f"{SITE}/accounts/password/reset/key/" in message.body
    assert "127.0.0.1" not in message.body


def test_it_links_a_centres_invitation_to_answer_to_site_url(alice, leeds, django_capture_on_commit_callbacks):
    request = FeasibilityRequestFactory(status="triage")
    with django_capture_on_commit_callbacks(execute=True):
        (invitation,) = services.route_request(
            actor=alice, request=request, centres=[leeds], override_reason="Known site"
        )
    answer = SITE + reverse("feasibility:answer", args=[invitation.pk])
    assert any(answer in message.body for message in mail.outbox)


def test_it_links_the_sponsor_summary_pdf_to_site_url(client, alice):
    request = FeasibilityRequestFactory(status="summary_sent")
    client.force_login(alice)
    response = client.get(reverse("feasibility:sponsor-summary", args=[request.pk]) + "?format=pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    assert (SITE + reverse("feasibility:request-detail", args=[request.pk])).encode() in text
    assert b"testserver" not in text
