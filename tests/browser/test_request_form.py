"""The request form in the browser: the sponsor's contacts by htmx, searchable multi-selects with chips, a
threshold beside a chosen capability, the live preview; and the matches table on a 390 px phone."""

import pytest
from playwright.sync_api import expect

from capabilities.models import Capability
from tests.factories import CentreCapabilityFactory, CentreFactory, ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def taxonomy():
    """The seeded taxonomy these tests name (adult, minutes to intensive care). A transactional test before
    them in a whole run can leave the tables flushed; seeding again is idempotent."""
    import importlib

    from django.apps import apps

    if not Capability.objects.filter(code="unit.minutes_to_icu").exists():
        importlib.import_module("capabilities.migrations.0003_taxonomy").seed_taxonomy(apps, None)


@pytest.fixture
def warm_page(page):
    """The live server's first page can take over the default 10 s on a loaded 2-core machine: wait for it once."""
    page.goto("/accounts/login/", timeout=60_000)
    return page


def test_it_offers_the_sponsors_contacts_and_searchable_capabilities_with_thresholds(warm_page, sign_in, alice, leeds):
    page = warm_page
    adult, minutes = Capability.objects.get(code="adult"), Capability.objects.get(code="unit.minutes_to_icu")
    manchester = CentreFactory(name="Manchester ECMC", code="manchester")
    for centre, quantity in ((leeds, 5), (manchester, 25)):
        CentreCapabilityFactory(centre=centre, capability=adult)
        CentreCapabilityFactory(centre=centre, capability=minutes, quantity=quantity)
    helix, corvid = OrganisationFactory(name="Helix Oncology"), OrganisationFactory(name="Corvid Bio")
    ContactFactory(organisation=helix, first_name="Hana", last_name="Helix")
    ContactFactory(organisation=corvid, first_name="Cora", last_name="Corvid")

    sign_in(alice)
    page.goto("/requests/new/")
    contacts = page.locator("#id_sponsor_contacts")
    expect(contacts).to_contain_text("Choose the sponsor")
    page.locator("#id_sponsor").select_option(label="Corvid Bio")
    expect(contacts).to_contain_text("Cora Corvid")
    expect(contacts).not_to_contain_text("Hana Helix")
    page.get_by_label("Cora Corvid").check()

    page.locator("#id_title").fill("CB-11 dose escalation")
    required = page.get_by_role("group", name="Required capabilities")
    search = required.get_by_label("Search required capabilities")
    search.fill("intensive")
    expect(required.get_by_label("Time to intensive care", exact=True)).to_be_visible()
    expect(required.get_by_label("24/7 medical cover", exact=True)).to_be_hidden()
    threshold = required.get_by_label("At most, minutes, for Time to intensive care")
    expect(threshold).to_be_hidden()
    search.press("Enter")  # the only match is chosen
    expect(required.get_by_role("list", name="Chosen required capabilities")).to_contain_text("Time to intensive care")
    expect(threshold).to_be_visible()
    expect(page.locator("#matches-preview")).to_contain_text("2 of 2 centres eligible")
    threshold.fill("15")
    threshold.press("Tab")
    expect(page.locator("#matches-preview")).to_contain_text("1 of 2 centres eligible")

    page.get_by_label("Search tumour types").fill("neuro")
    page.get_by_label("Neuroblastoma", exact=True).check()
    expect(page.get_by_role("list", name="Chosen tumour types")).to_contain_text("Neuroblastoma")
    page.get_by_role("button", name="Log request").click()
    expect(page.get_by_role("alert")).to_contain_text("logged")
    expect(page.get_by_text("Time to intensive care, at most 15 minutes")).to_be_visible()
    expect(page.get_by_test_id("matches")).to_contain_text("Leeds ECMC")


def test_it_fits_the_matches_table_on_a_phone(warm_page, sign_in, alice, leeds):
    page = warm_page
    from tests.factories import FeasibilityRequestFactory

    CentreCapabilityFactory(centre=leeds, capability=Capability.objects.get(code="adult"))
    CentreFactory(name="Great North Children's Hospital Paediatric ECMC", code="gnch")
    request = FeasibilityRequestFactory(status="triage", title="XB-204 first in human")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(alice)
    page.goto(f"/requests/{request.pk}/")
    table = page.get_by_test_id("matches")
    expect(table).to_contain_text("Leeds ECMC")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    box = table.bounding_box()
    assert box["width"] <= 390
