"""The sponsor's journey, end to end: the office invites a company's study lead, who submits a synopsis that
fills the form, follows the request, and downloads the collated answer once the office releases it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from feasibility.models import FeasibilityRequest
from tests.factories import CentreResponseFactory, InvitationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SYNOPSIS = """Title: CAL-777 first-in-human study of an oral KRAS inhibitor in pancreatic cancer
A Phase I, open-label dose escalation study in adults aged 18 years or older with PDAC.
Sites must offer overnight PK sampling. We seek 3 UK sites and 40 patients in total.
First patient in: Q2 2027.
"""


def test_it_takes_a_sponsor_from_invitation_to_the_released_answer(
    page, sign_in, alice, leeds, password, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page.set_default_timeout(30_000)  # a long journey with two PDFs drawn on the way
    caldera = OrganisationFactory(name="Caldera Oncology")

    # The office invites the company's study lead from the company's page.
    sign_in(alice)
    page.goto(f"/organisations/{caldera.pk}/")
    page.locator("#sponsor-invite-email").fill("lead@caldera.example")
    page.get_by_role("button", name="Invite a sponsor account").click()
    expect(page.get_by_role("alert")).to_contain_text("Invitation sent to lead@caldera.example for Caldera Oncology")
    link = re.search(r"https?://\S+/invitation/\S+/", mail.outbox[-1].body).group(0)
    page.context.clear_cookies()

    # The study lead accepts and lands on the company's page of opportunities.
    page.goto("/invitation/" + link.split("/invitation/")[1])  # the emailed link, on the test server
    expect(page.get_by_text("Sponsor (company account) for Caldera Oncology")).to_be_visible()
    page.locator("#id_first_name").fill("Sam")
    page.locator("#id_last_name").fill("Reid")
    page.locator("#id_username").fill("samreid")
    page.locator("#id_password1").fill(password)
    page.locator("#id_password2").fill(password)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/sponsor/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Caldera Oncology")

    # A synopsis fills the form; each field shows its sentence; nothing is saved until sent.
    page.get_by_role("link", name="Submit an opportunity").first.click()
    synopsis_file = tmp_path / "synopsis.txt"
    synopsis_file.write_text(SYNOPSIS)
    page.get_by_label("Synopsis file").set_input_files(str(synopsis_file))
    page.get_by_role("button", name="Read the synopsis").click()
    expect(page.get_by_test_id("evidence")).to_contain_text("filled from your synopsis")
    expect(page.get_by_label("Study title")).to_have_value(
        "CAL-777 first-in-human study of an oral KRAS inhibitor in pancreatic cancer"
    )
    expect(page.get_by_label("UK sites sought")).to_have_value("3")
    expect(page.get_by_test_id("sponsor-form")).to_contain_text(
        "From the synopsis: “We seek 3 UK sites and 40 patients in total.”"
    )
    assert not FeasibilityRequest.objects.exists()
    page.get_by_label(re.compile("I accept the network's confidentiality agreement")).check()
    page.get_by_role("button", name="Send the opportunity").click()
    expect(page.get_by_role("alert")).to_contain_text("is with the Programme Office")
    request = FeasibilityRequest.objects.get()
    assert request.sponsor == caldera and request.patients_total == 40
    expect(page.get_by_test_id("timeline")).to_contain_text("Received")
    expect(page.get_by_test_id("timeline")).to_contain_text("Not yet circulated")

    # The network answers; the office records and releases the collated answer.
    request.status = "circulating"
    request.save()
    CentreResponseFactory(invitation=InvitationFactory(request=request, centre=leeds), principal_investigator="Dr Reed")
    sponsor_url = page.url
    page.context.clear_cookies()
    sign_in(alice)
    page.goto(f"/requests/{request.pk}/summary/")
    page.locator("#id_sent_to").fill("lead@caldera.example")
    page.get_by_role("button", name="Record").click()
    page.get_by_role("button", name="Release to the sponsor").click()
    expect(page.get_by_role("alert")).to_contain_text("Released")
    page.context.clear_cookies()

    # The sponsor follows the request and downloads the answer.
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill("samreid")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/sponsor/")
    page.goto(sponsor_url)
    expect(page.get_by_test_id("timeline")).to_contain_text("Circulated to 1 centre")
    expect(page.get_by_test_id("timeline")).to_contain_text("Collated answer released")
    with page.expect_download() as download_info:
        page.get_by_test_id("summary-download-pdf").click()
    download = download_info.value
    assert download.suggested_filename == f"{request.reference}-collated-answer.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
