"""Every main page passes axe-core's WCAG 2 A/AA rules with no serious or critical violation, for each role.

axe-core (vendored in tests/browser/vendor/axe-core, MPL-2.0) is injected into the page, which needs the CSP
bypassed: only this module's browser context does that.
"""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from capabilities.models import Level
from tests.factories import (
    CapabilityFactory,
    CentreCapabilityFactory,
    CentreResponseFactory,
    ContactFactory,
    EngagementFactory,
    EventFactory,
    FeasibilityRequestFactory,
    FollowUpFactory,
    InvitationFactory,
    OrganisationFactory,
    SiteSetUpFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')), count: v.nodes.length,
  }));
}"""


@pytest.fixture
def page(browser, live_server):
    """The shared `page` fixture, with the CSP bypassed so the axe script can be added to each page."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


@pytest.fixture
def network(alice, bob, carol):
    """One record of each kind the pages show, in the states that draw badges and highlighted rows."""
    leeds, manchester = bob.centres.get(), carol.centres.get()
    today = timezone.localdate()
    for level, capability in zip(Level, CapabilityFactory.create_batch(3), strict=True):
        CentreCapabilityFactory(centre=leeds, capability=capability, level=level)
    CapabilityFactory()  # not recorded at Leeds
    sponsor = OrganisationFactory(name="Helix Oncology")
    contact = ContactFactory(organisation=sponsor)
    event = EventFactory()
    engagement = EngagementFactory(organisations=[sponsor], event=event)
    engagement.contacts.add(contact)
    EngagementFactory(organisations=[sponsor], occurred_on=datetime.date(today.year - 1, 6, 1))
    FollowUpFactory(engagement=engagement, owner=alice)
    FollowUpFactory(engagement=engagement, owner=alice, due_on=today - datetime.timedelta(days=3))
    for status in ["triage", "summary_sent", "not_placed", "withdrawn"]:
        FeasibilityRequestFactory(sponsor=sponsor, status=status)
    SiteSetUpFactory(centre=leeds, request__sponsor=sponsor)
    circulating = FeasibilityRequestFactory(sponsor=sponsor, status="circulating")
    to_answer = InvitationFactory(request=circulating, centre=leeds)
    InvitationFactory(request=circulating, centre=manchester, deadline=today - datetime.timedelta(days=2))
    CentreResponseFactory(invitation__request__sponsor=sponsor, invitation__centre=leeds)
    return {
        "organisation": sponsor.pk,
        "contact": contact.pk,
        "event": event.pk,
        "engagement": engagement.pk,
        "request": circulating.pk,
        "invitation": to_answer.pk,
        "centre": leeds.pk,
    }


def shared_pages(n):
    return [
        "/home/",
        f"/requests/{n['request']}/",
        "/centres/",
        f"/centres/{n['centre']}/",
        "/centres/matrix/",
        "/modality-rules/",
        "/profile/",
        "/search/?q=Helix",
    ]


def office_pages(n):
    return [
        *shared_pages(n),
        "/requests/",
        "/organisations/",
        f"/organisations/{n['organisation']}/",
        "/contacts/",
        f"/contacts/{n['contact']}/",
        "/events/",
        f"/events/{n['event']}/",
        "/engagements/",
        f"/engagements/{n['engagement']}/",
        "/requests/outstanding/",
        "/scorecards/",
        f"/scorecards/{n['centre']}/",
        "/reports/annual/",
    ]


PAGES = {
    "alice": lambda n: [*office_pages(n), "/follow-ups/", "/taxonomy/", "/users/"],
    "victor": office_pages,
    "bob": lambda n: [
        *shared_pages(n),
        "/requests/to-answer/",
        f"/requests/invitations/{n['invitation']}/answer/",
        "/centres/mine/",
        "/scorecards/mine/",
    ],
}


def blocking_violations(page, url):
    response = page.goto(url)
    assert response.ok, f"{url} answered {response.status}"
    page.add_script_tag(path=str(AXE))
    return [
        f"{url} {v['id']} ({v['impact']}, {v['count']} nodes): {v['help']} at {v['targets']}"
        for v in page.evaluate(RUN_AXE)
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("username", ["alice", "victor", "bob"])
def test_it_finds_no_serious_accessibility_violation_on_a_roles_pages(page, sign_in, network, username, request):
    sign_in(request.getfixturevalue(username))
    found = [line for url in PAGES[username](network) for line in blocking_violations(page, url)]
    assert not found, "\n".join(found)


def test_it_finds_no_serious_accessibility_violation_on_the_public_pages(page):
    found = [line for url in ["/accounts/login/", "/opportunity/"] for line in blocking_violations(page, url)]
    assert not found, "\n".join(found)
