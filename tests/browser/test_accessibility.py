"""Every main page of each role passes axe-core at laptop and phone size: any WCAG 2.0-2.2 A/AA result fails,
whatever its impact, and so do the best-practice rules fixed before (unique landmarks, one main, one h1).

axe-core (vendored in tests/browser/vendor/axe-core, MPL-2.0) is injected into the page, which needs the CSP
bypassed: only this module's browser contexts do that.
"""

from pathlib import Path

import pytest

from tests.browser.conftest import LAPTOP, PHONE, fail_on_console_errors, open_page
from tests.browser.role_pages import PAGES

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Best-practice rules the pages already pass; listed so a regression in any of them fails too.
BEST_PRACTICE = [
    "landmark-unique",
    "landmark-one-main",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
    "landmark-main-is-top-level",
    "page-has-heading-one",
    "duplicate-id",
    "empty-heading",
    "empty-table-header",
]
RUN_AXE = """async ([tags, rules]) => {
  const wcag = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  const practice = await axe.run(document, {runOnly: {type: 'rule', values: rules}});
  return [...wcag.violations, ...practice.violations].map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')), count: v.nodes.length,
  }));
}"""
SIZES = {"laptop": LAPTOP, "phone": PHONE}


@pytest.fixture(params=SIZES)
def page(request, browser, live_server):
    """A page at each size, with the CSP bypassed so the axe script can be added to it."""
    page = open_page(browser, live_server, viewport=SIZES[request.param], bypass_csp=True)
    yield page
    fail_on_console_errors(page)


def violations(page, url):
    response = page.goto(url)
    assert response.ok, f"{url} answered {response.status}"
    page.add_script_tag(path=str(AXE))
    return [
        f"{url} {v['id']} ({v['impact']}, {v['count']} nodes): {v['help']} at {v['targets']}"
        for v in page.evaluate(RUN_AXE, [WCAG, BEST_PRACTICE])
    ]


@pytest.mark.parametrize("username", ["alice", "victor", "bob"])
def test_it_finds_no_accessibility_violation_on_a_roles_pages(page, sign_in, network, username, request):
    sign_in(request.getfixturevalue(username))
    found = [line for entry in PAGES[username](network) for line in violations(page, entry.url)]
    assert not found, "\n".join(found)


def test_it_finds_no_accessibility_violation_on_the_public_pages(page):
    found = [line for url in ["/accounts/login/", "/opportunity/"] for line in violations(page, url)]
    assert not found, "\n".join(found)
