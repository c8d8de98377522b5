"""From an event page, log a meeting with a new contact, then find it through the search box; from an engagement,
log a trial opportunity; read a record's history."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import EngagementFactory, EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_it_logs_a_meeting_at_an_event_with_a_new_contact_and_finds_it(page, sign_in, alice):
    event = EventFactory(name="ESMO Congress 2026", place="Berlin")
    OrganisationFactory(name="Quantara Medical", kind="medtech")
    sign_in(alice)

    page.goto(f"/events/{event.pk}/")
    page.get_by_role("link", name="Log a meeting here").click()
    expect(page.get_by_label("Event")).to_have_value(str(event.pk))
    page.get_by_label("Subject").fill("Radioligand capacity at the booth")
    page.get_by_label("Find organisations met").fill("quant")
    option = page.get_by_label("Quantara Medical")
    option.check()
    expect(page.locator("[data-picker='organisations'] [data-picker-selected]")).to_contain_text("Quantara Medical")
    page.get_by_label("First name").fill("Mei")
    page.get_by_label("Last name").fill("Tanaka")
    page.get_by_label("Email").fill("mei.tanaka@quantara.example")
    page.get_by_role("button", name="Log engagement").click()

    expect(page.get_by_role("heading", name="Radioligand capacity at the booth")).to_be_visible()
    expect(page.get_by_test_id("engagement-contacts")).to_contain_text("Mei Tanaka")

    page.get_by_label("Search", exact=True).fill("Tanaka")
    page.get_by_label("Search", exact=True).press("Enter")
    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text("Mei Tanaka")
    expect(results).to_contain_text("Quantara Medical")
    page.get_by_label("Search for").fill("radioligand booth")
    page.get_by_label("Search for").press("Enter")
    page.get_by_role("link", name="Radioligand capacity at the booth").click()
    expect(page.get_by_role("link", name="ESMO Congress 2026")).to_be_visible()


def test_it_turns_an_engagement_into_a_trial_opportunity_and_reads_its_history(page, sign_in, alice):
    org = OrganisationFactory(name="Quantara Medical", kind="biotech")
    engagement = EngagementFactory(subject="Pipeline review", organisations=[org])
    sign_in(alice)

    page.goto(f"/engagements/{engagement.pk}/")
    page.get_by_role("link", name="Create trial opportunity").click()
    expect(page).to_have_url(re.compile(rf"/requests/new/\?engagement={engagement.pk}$"))
    expect(page.get_by_text("From the engagement “Pipeline review”")).to_be_visible()
    expect(page.locator("#id_sponsor")).to_have_value(str(org.pk))

    page.goto(f"/engagements/{engagement.pk}/")
    page.get_by_role("link", name="History").click()
    expect(page.get_by_test_id("history")).to_contain_text("Created")
