"""Each role's main pages and the main action on each: one list the phone and accessibility tests share.

To cover a new page, add `Page(url, action)` to its role's list; `action` is a Playwright selector for what a
person comes to the page to do (a button or link), or the page's heading where it is there to be read.
"""

import datetime
from typing import NamedTuple

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

HEADING = "main h1"


class Page(NamedTuple):
    url: str
    action: str = HEADING


def make_network(alice, bob, carol) -> dict:
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
    FollowUpFactory(engagement=engagement, owner=alice, text="Send the radioligand capability summary to Helix")
    FollowUpFactory(engagement=engagement, owner=alice, due_on=today - datetime.timedelta(days=3))
    for status in ["triage", "summary_sent", "not_placed", "withdrawn"]:
        FeasibilityRequestFactory(sponsor=sponsor, status=status)
    SiteSetUpFactory(centre=leeds, request__sponsor=sponsor)
    circulating = FeasibilityRequestFactory(
        sponsor=sponsor,
        status="circulating",
        title="A first-in-human study of a bispecific antibody in relapsed solid tumours with a long title",
    )
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


def shared_pages(n) -> list[Page]:
    return [
        Page("/home/"),
        Page(f"/requests/{n['request']}/"),
        Page("/centres/"),
        Page(f"/centres/{n['centre']}/"),
        Page("/centres/matrix/", 'role=button[name="Show"]'),
        Page("/modality-rules/"),
        Page("/profile/"),
        Page("/search/?q=Helix"),
    ]


def office_pages(n) -> list[Page]:
    """What the office and the viewer both read; the office's write actions are in `PAGES["alice"]`."""
    return [
        *shared_pages(n),
        Page(f"/organisations/{n['organisation']}/"),
        Page(f"/contacts/{n['contact']}/"),
        Page("/events/"),
        Page(f"/events/{n['event']}/"),
        Page(f"/engagements/{n['engagement']}/"),
        Page("/requests/outstanding/"),
        Page("/scorecards/"),
        Page(f"/scorecards/{n['centre']}/"),
        Page("/reports/annual/"),
    ]


PAGES = {
    "alice": lambda n: [
        *office_pages(n),
        Page("/organisations/", 'role=link[name="Add an organisation"]'),
        Page("/contacts/", 'role=link[name="Add a contact"]'),
        Page("/engagements/", 'role=link[name="Log an engagement"]'),
        Page("/engagements/log/", 'role=button[name="Log engagement"]'),
        Page("/follow-ups/", "role=button[name=/Done.*Send the radioligand/]"),
        Page("/requests/", 'role=link[name="Log a request"]'),
        Page("/taxonomy/"),
        Page("/users/"),
        Page("/system/", 'role=button[name="Save settings"]'),
    ],
    "victor": lambda n: [
        *office_pages(n),
        Page("/organisations/"),
        Page("/contacts/"),
        Page("/engagements/"),
        Page("/requests/"),
    ],
    "bob": lambda n: [
        *shared_pages(n),
        Page("/requests/to-answer/", 'role=link[name="Answer"]'),
        Page(f"/requests/invitations/{n['invitation']}/answer/", 'role=button[name="Save answer"]'),
        Page("/centres/mine/", 'role=button[name="Confirm everything current"]'),
        Page("/scorecards/mine/"),
    ],
}
