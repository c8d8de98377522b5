"""Pages that stay the same size as the records grow: the organisation page shows the latest engagements with a link
to all of them, a page of contacts and of open follow-ups, and fetches its merge form (every organisation) only
when asked; drop-downs offer the recent choices, not ten years of them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagements.views import (
    ORGANISATION_CONTACTS_SHOWN,
    ORGANISATION_ENGAGEMENTS_SHOWN,
    ORGANISATION_FOLLOW_UPS_SHOWN,
)
from tests.factories import ContactFactory, EngagementFactory, EventFactory, FollowUpFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_it_shows_the_latest_engagements_of_an_organisation_and_links_to_all(client_for, alice):
    org = OrganisationFactory()
    for days in range(ORGANISATION_ENGAGEMENTS_SHOWN + 5):
        EngagementFactory(
            organisations=[org], subject=f"Meeting {days:02d}", occurred_on=TODAY - datetime.timedelta(days)
        )
    html = client_for(alice).get(reverse("engagements:organisation-detail", args=[org.pk])).content.decode()
    timeline = html[html.index('data-testid="engagement-timeline"') :]
    assert "Meeting 00" in timeline and f"Meeting {ORGANISATION_ENGAGEMENTS_SHOWN - 1:02d}" in timeline
    assert f"Meeting {ORGANISATION_ENGAGEMENTS_SHOWN:02d}" not in timeline
    all_link = reverse("engagements:engagement-list") + f"?organisation={org.pk}"
    assert f'href="{all_link}"' in html and f"see all {ORGANISATION_ENGAGEMENTS_SHOWN + 5} engagements" in html
    listed = client_for(alice).get(all_link).content.decode()
    assert "Meeting 00" in listed and f"Meeting {ORGANISATION_ENGAGEMENTS_SHOWN + 4:02d}" in listed


def test_it_has_no_see_all_link_when_every_engagement_is_shown(client_for, alice):
    org = OrganisationFactory()
    EngagementFactory(organisations=[org])
    html = client_for(alice).get(reverse("engagements:organisation-detail", args=[org.pk])).content.decode()
    assert 'data-testid="all-engagements"' not in html


def test_it_pages_the_contacts_and_open_follow_ups_of_an_organisation(client_for, alice):
    org = OrganisationFactory()
    for n in range(ORGANISATION_CONTACTS_SHOWN + 2):
        ContactFactory(organisation=org, first_name="Person", last_name=f"N{n:02d}")
    for n in range(ORGANISATION_FOLLOW_UPS_SHOWN + 3):
        FollowUpFactory(organisation=org, owner=alice, text=f"Chase {n:02d}", due_on=TODAY + datetime.timedelta(n))
    client = client_for(alice)
    url = reverse("engagements:organisation-detail", args=[org.pk])
    html = client.get(url).content.decode()
    assert "Person N00" in html and f"Person N{ORGANISATION_CONTACTS_SHOWN:02d}" not in html
    assert f"1–{ORGANISATION_CONTACTS_SHOWN} of {ORGANISATION_CONTACTS_SHOWN + 2} contacts" in html
    assert "Chase 00" in html and f"Chase {ORGANISATION_FOLLOW_UPS_SHOWN:02d}" not in html
    assert f"of {ORGANISATION_FOLLOW_UPS_SHOWN + 3} open follow-ups" in html
    html = client.get(url + "?contacts=2&follow_ups=2").content.decode()
    assert f"Person N{ORGANISATION_CONTACTS_SHOWN + 1:02d}" in html and "Person N00" not in html
    assert f"Chase {ORGANISATION_FOLLOW_UPS_SHOWN + 2:02d}" in html and "Chase 00" not in html


def test_it_fetches_the_merge_form_only_when_its_panel_is_opened(client_for, alice, victor):
    survivor = OrganisationFactory(name="Nimbus Biologics")
    OrganisationFactory(name="Nimbus Bio")
    url = reverse("engagements:organisation-merge", args=[survivor.pk])
    page = client_for(alice).get(reverse("engagements:organisation-detail", args=[survivor.pk])).content.decode()
    assert f'hx-get="{url}"' in page and "Nimbus Bio</option>" not in page
    part = client_for(alice).get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Nimbus Bio</option>" in part and "<html" not in part
    whole = client_for(alice).get(url).content.decode()  # without JavaScript: a page of its own
    assert "Nimbus Bio</option>" in whole and "<html" in whole
    assert client_for(victor).get(url).status_code == 403
    assert (
        'data-testid="merge-panel"'
        not in client_for(victor).get(reverse("engagements:organisation-detail", args=[survivor.pk])).content.decode()
    )


def test_the_organisation_page_costs_the_same_queries_with_3_or_30_of_everything(client_for, alice):
    org = OrganisationFactory()
    client = client_for(alice)
    url = reverse("engagements:organisation-detail", args=[org.pk])

    def make(n):
        for _ in range(n):
            OrganisationFactory()  # the merge form's choices
            contact = ContactFactory(organisation=org)
            engagement = EngagementFactory(organisations=[org], event=EventFactory())
            engagement.contacts.add(contact)
            FollowUpFactory(engagement=engagement, owner=alice)
            FollowUpFactory(organisation=org, owner=alice)

    make(3)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    make(27)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_bulk_event_drop_down_offers_recent_and_coming_events_but_takes_any(client_for, alice):
    recent = EventFactory(name="Recent Congress", starts_on=TODAY - datetime.timedelta(days=30))
    coming = EventFactory(name="Coming Congress", starts_on=TODAY + datetime.timedelta(days=60))
    old = EventFactory(name="Old Congress", starts_on=TODAY - datetime.timedelta(days=800))
    ada = ContactFactory()  # the bulk bar shows above a list with rows
    client = client_for(alice)
    html = client.get(reverse("engagements:contact-list")).content.decode()
    assert str(recent) in html and str(coming) in html and "Old Congress" not in html
    client.post(reverse("engagements:contact-bulk-event"), {"selected": [ada.pk], "bulk-event": old.pk})
    assert list(old.contacts.all()) == [ada]


def test_the_follow_up_owner_filter_offers_the_office_and_anyone_owning_a_follow_up(client_for, alice, bob, carol):
    FollowUpFactory(owner=bob, text="Left from before a change of role")
    html = client_for(alice).get(reverse("engagements:followup-list")).content.decode()
    owner_select = html[html.index('name="owner"') : html.index("</select>", html.index('name="owner"'))]
    assert str(alice) in owner_select and str(bob) in owner_select and str(carol) not in owner_select
