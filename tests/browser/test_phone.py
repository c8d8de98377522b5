"""At 390 x 844 (a phone) every main page of every role fits the screen with its main action in reach:
nothing makes the document scroll sideways (wide tables stack or scroll inside their own box), the navigation
collapses behind its button, and the action a person came for is visible and clickable."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, fail_on_console_errors, open_page
from tests.browser.role_pages import PAGES

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDER_THAN_SCREEN = """() => {
  const scrolls = el => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
  const inScrollBox = el => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) { if (scrolls(a)) return true; } return false; };
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !inScrollBox(el))
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : ''))
    .slice(-4);
}"""


@pytest.fixture
def page(browser, live_server):
    page = open_page(browser, live_server, viewport=PHONE)
    yield page
    fail_on_console_errors(page)


def problems_on(page, entry):
    response = page.goto(entry.url)
    if not response.ok:
        return [f"{entry.url} answered {response.status}"]
    found = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        found.append(f"{entry.url} is {width} px wide, wider than the screen: {page.evaluate(WIDER_THAN_SCREEN)}")
    action = page.locator(entry.action).first
    try:
        action.scroll_into_view_if_needed()
        action.click(trial=True)  # visible, enabled, not covered: a tap would reach it
        box = action.bounding_box()
        if box["x"] < 0 or box["x"] + box["width"] > PHONE["width"]:
            found.append(f"{entry.url}: {entry.action} is off-screen at x={box['x']:.0f}")
    except Exception as error:  # noqa: BLE001 (reported with the page, so one run shows every page's problem)
        found.append(f"{entry.url}: {entry.action} is not in reach ({type(error).__name__})")
    return found


@pytest.mark.parametrize("username", ["alice", "victor", "bob"])
def test_it_fits_every_main_page_of_a_role_on_a_phone(page, sign_in, network, username, request):
    sign_in(request.getfixturevalue(username))
    found = [problem for entry in PAGES[username](network) for problem in problems_on(page, entry)]
    assert not found, "\n".join(found)


def test_it_fits_the_public_pages_on_a_phone(page):
    from tests.browser.role_pages import Page

    pages = [Page("/accounts/login/", 'role=button[name="Sign in"]'), Page("/opportunity/", "form button[type=submit]")]
    found = [problem for entry in pages for problem in problems_on(page, entry)]
    assert not found, "\n".join(found)


def test_it_collapses_the_navigation_behind_a_button_on_a_phone(page, sign_in, alice):
    sign_in(alice)
    nav = page.get_by_test_id("main-nav")
    expect(nav).to_be_hidden()
    page.get_by_role("button", name="Show navigation").click()
    expect(nav.get_by_role("link", name="Home")).to_be_visible()


def test_it_lets_centre_staff_answer_a_request_from_a_phone(page, sign_in, network, bob):
    sign_in(bob)
    page.goto("/requests/to-answer/")
    page.get_by_role("link", name="Answer").click()
    page.get_by_label("Interested").check()
    page.get_by_role("button", name="Save answer").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert"))).to_contain_text("saved")
