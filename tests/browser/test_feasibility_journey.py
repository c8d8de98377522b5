"""The heart of the product, end to end: the Programme Office routes a request, Bob answers for Leeds,
Alice downloads the summary for the sponsor."""

import pytest
from playwright.sync_api import expect

from tests.factories import CapabilityFactory, CentreCapabilityFactory, FeasibilityRequestFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_it_routes_answers_and_summarises_a_request(page, sign_in, alice, bob, leeds):
    adult = CapabilityFactory(code="adult", name="Adult")
    CentreCapabilityFactory(centre=leeds, capability=adult)
    request = FeasibilityRequestFactory(status="triage", title="XB-204 first in human")

    sign_in(alice)
    page.goto(f"/requests/{request.pk}/")
    expect(page.get_by_label("Route to Leeds ECMC")).to_be_checked()
    page.get_by_test_id("route-button").click()
    expect(page.get_by_role("alert")).to_contain_text("Routed to 1 centre: Leeds ECMC")
    page.context.clear_cookies()

    sign_in(bob)
    page.goto("/requests/to-answer/")
    expect(page.get_by_test_id("to-answer")).to_contain_text(request.reference)
    page.get_by_role("link", name="Answer").click()
    page.get_by_label("Interested").check()
    page.get_by_label("Principal investigator").fill("Dr Reed")
    page.get_by_label("Patients you expect to recruit").fill("6")
    page.get_by_role("button", name="Save answer").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Answer for {request.reference} saved")
    page.context.clear_cookies()

    sign_in(alice)
    page.goto(f"/requests/{request.pk}/summary/")
    expect(page.get_by_test_id("summary-table")).to_contain_text("Dr Reed")
    with page.expect_download() as download_info:
        page.get_by_test_id("summary-pdf").click()
    download = download_info.value
    assert download.suggested_filename == f"{request.reference}-summary.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"


def test_it_previews_matches_and_logs_a_request(page, sign_in, alice, leeds):
    from tests.factories import OrganisationFactory

    adult = CapabilityFactory(code="adult", name="Adult")
    CentreCapabilityFactory(centre=leeds, capability=adult)
    OrganisationFactory(name="Corvid Bio")

    sign_in(alice)
    page.goto("/requests/new/")
    page.locator("#id_title").fill("CB-11 dose escalation")
    page.locator("#id_sponsor").select_option(label="Corvid Bio")
    page.get_by_label("Paediatric", exact=True).check()
    expect(page.locator("#matches-preview")).to_contain_text("of 1 centres eligible")
    page.get_by_role("button", name="Log request").click()
    expect(page.get_by_role("alert")).to_contain_text("logged")
    expect(page.get_by_test_id("matches")).to_contain_text("Leeds ECMC")


def test_it_asks_for_a_decline_reason_only_when_declining(page, sign_in, bob, leeds):
    from tests.factories import InvitationFactory

    invitation = InvitationFactory(centre=leeds)
    sign_in(bob)
    page.goto(f"/requests/invitations/{invitation.pk}/answer/")
    reason = page.get_by_label("Decline reason")
    expect(reason).to_be_hidden()
    page.get_by_label("Declined").check()
    expect(reason).to_be_visible()
    reason.select_option(label="No capacity")
    page.get_by_role("button", name="Save answer").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Answer for {invitation.request.reference} saved")
    invitation.refresh_from_db()
    assert invitation.response.decline_reason == "no_capacity"
