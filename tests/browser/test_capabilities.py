"""Centre staff keep their profile current: edit two rows inline, then confirm the rest in one action."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from capabilities.models import Capability, CentreCapability
from tests.factories import CentreCapabilityFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_it_lets_centre_staff_update_two_capabilities_and_confirm_the_rest(page, sign_in, bob, leeds):
    # Transactional tests flush the database between tests, so put the taxonomy back first.
    importlib.import_module("capabilities.migrations.0003_taxonomy").seed_taxonomy(apps, None)
    old = timezone.localdate() - datetime.timedelta(days=400)
    for code, quantity in [("adult", None), ("unit.beds", 8), ("tumour.lung", None)]:
        CentreCapabilityFactory(
            centre=leeds, capability=Capability.objects.get(code=code), quantity=quantity, confirmed_on=old
        )

    sign_in(bob)
    page.get_by_test_id("main-nav").get_by_role("button", name="Centres").or_(
        page.get_by_test_id("main-nav").get_by_role("link", name="Centres")
    ).click()
    page.get_by_role("link", name="My centre").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Leeds ECMC")
    expect(page.get_by_test_id("level-adult").locator('[data-flag="stale"]')).to_be_visible()

    # 1. Change the number of beds, inline.
    page.get_by_test_id("level-unit.beds").get_by_role("link", name="Edit").click()
    form = page.get_by_test_id("level-form-unit.beds")
    form.get_by_label("Beds").fill("12")
    form.get_by_role("button", name="Save").click()
    beds = page.get_by_test_id("level-unit.beds")
    expect(beds).to_contain_text("12 beds")
    expect(beds.locator('[data-flag="stale"]')).to_have_count(0)

    # 2. Add a tumour type the centre now recruits, at a limited level.
    page.get_by_test_id("level-tumour.breast").get_by_role("link", name="Add").click()
    form = page.get_by_test_id("level-form-tumour.breast")
    form.get_by_label("Level").select_option("limited")
    form.get_by_label("Notes").fill("Two research nurses from January")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("level-tumour.breast")).to_contain_text("Limited")

    # 3. Everything else is still right: confirm it all in one go.
    page.get_by_role("button", name="Confirm everything current").click()
    expect(page.get_by_role("alert")).to_contain_text("All 4 capabilities of Leeds ECMC confirmed")
    expect(page.locator('[data-flag="stale"]')).to_have_count(0)

    levels = {
        lv.capability.code: lv for lv in CentreCapability.objects.filter(centre=leeds).select_related("capability")
    }
    assert levels["unit.beds"].quantity == 12
    assert levels["tumour.breast"].level == "limited"
    assert {lv.confirmed_on for lv in levels.values()} == {timezone.localdate()}
    assert {lv.confirmed_by_id for lv in levels.values()} == {bob.pk}
