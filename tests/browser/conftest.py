"""Browser tests: Playwright driving Debian's chromium (browsers cannot be downloaded here)."""

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def open_page(browser, live_server, viewport=LAPTOP, **options):
    """A fresh browser tab whose JavaScript errors are collected in `page.console_errors`."""
    context = browser.new_context(base_url=live_server.url, viewport=viewport, **options)
    context.set_default_timeout(20_000)  # the test machine is shared and sometimes slow
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return page


def fail_on_console_errors(page):
    """Any JavaScript error (a CSP refusal, a broken script, a failed load) fails the test, not only CSP ones."""
    try:
        errors = list(page.console_errors)
    finally:
        page.context.close()
    if errors:
        pytest.fail("JavaScript console errors:\n" + "\n".join(errors))


@pytest.fixture
def page(browser, live_server):
    page = open_page(browser, live_server)
    yield page
    fail_on_console_errors(page)


@pytest.fixture
def sign_in(page, password):
    """Sign in through the real form as a user."""

    def do(user):
        page.goto("/accounts/login/")
        page.get_by_label("Login").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/home/")
        return page

    return do


@pytest.fixture
def network(alice, bob, carol):
    """One record of each kind the role pages show (tests/browser/role_pages.py)."""
    from tests.browser.role_pages import make_network

    return make_network(alice, bob, carol)
