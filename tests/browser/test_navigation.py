"""Each role signs in through the real form and sees its own navigation."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_it_shows_each_role_its_own_navigation(page, sign_in, alice, bob, victor):
    sign_in(alice)
    nav = page.get_by_test_id("main-nav")
    expect(nav).to_contain_text("Users and invitations")
    page.context.clear_cookies()

    sign_in(bob)
    expect(page.get_by_test_id("dashboard-centre")).to_contain_text("Leeds ECMC")
    expect(page.get_by_test_id("main-nav")).not_to_contain_text("Users and invitations")
    page.context.clear_cookies()

    sign_in(victor)
    expect(page.get_by_test_id("dashboard-viewer")).to_be_visible()
    expect(page.get_by_test_id("main-nav")).not_to_contain_text("Users and invitations")


def test_it_tells_a_person_when_the_password_is_wrong(page, alice):
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill("alice")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
