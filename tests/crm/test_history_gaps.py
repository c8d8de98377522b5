"""Deleting a record leaves a trace on every record it changed (a link emptied, a member removed from a set),
attributed to whoever deleted it (crm/deletions.py)."""

import pytest

from engagements import services
from tests.factories import (
    CapabilityFactory,
    ContactFactory,
    EngagementFactory,
    EventFactory,
    FeasibilityRequestFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def test_it_records_contacts_losing_their_organisation_when_it_is_deleted(alice):
    org = OrganisationFactory(name="Helix Bio")
    contact = ContactFactory(organisation=org)
    services.organisation_delete(actor=alice, organisation=org)
    latest = contact.history.latest()
    assert latest.history_type == "~"
    assert latest.organisation_id is None
    assert latest.history_user == alice
    assert latest.history_change_reason == "Organisation “Helix Bio” deleted"


def test_it_records_child_organisations_losing_their_parent(alice):
    parent = OrganisationFactory(name="Helix Holdings")
    child = OrganisationFactory(name="Helix UK", parent=parent)
    services.organisation_delete(actor=alice, organisation=parent)
    latest = child.history.latest()
    assert latest.parent_id is None and latest.history_user == alice


def test_it_records_engagements_losing_their_event_when_it_is_deleted(alice):
    event = EventFactory(name="ESMO 2026")
    engagement = EngagementFactory(event=event)
    before = engagement.history.count()
    services.event_delete(actor=alice, event=event)
    assert engagement.history.count() == before + 1
    latest = engagement.history.latest()
    assert latest.event_id is None
    assert latest.history_user == alice
    assert "ESMO 2026" in latest.history_change_reason
    # The snapshot of the engagement's organisations is carried into the new version.
    assert {row.organisation_id for row in latest.organisations.all()} == set(
        engagement.organisations.values_list("pk", flat=True)
    )


def test_it_records_a_contact_removed_from_engagements_and_requests_when_deleted(alice):
    contact = ContactFactory(first_name="Ada", last_name="Lovelace")
    other = ContactFactory()
    engagement = EngagementFactory()
    engagement.contacts.set([contact, other])
    request = FeasibilityRequestFactory()
    request.sponsor_contacts.set([contact])
    services.contact_delete(actor=alice, contact=contact)
    latest = engagement.history.latest()
    assert [row.contact_id for row in latest.contacts.all()] == [other.pk]
    assert latest.history_user == alice
    assert list(request.history.latest().sponsor_contacts.all()) == []


def test_the_history_page_names_the_contact_that_went(client, alice):
    contact = ContactFactory(first_name="Ada", last_name="Lovelace")
    engagement = EngagementFactory()
    engagement.contacts.set([contact])
    services.contact_delete(actor=alice, contact=contact)
    client.force_login(alice)
    html = client.get(f"/history/engagements.engagement/{engagement.pk}/").content.decode()
    assert "Contact “Ada Lovelace” deleted" in html
    # The contact is gone: the page names them as their history last knew them, never a bare id.
    assert "Ada Lovelace (deleted)" in html


def test_it_records_requests_losing_a_tumour_type_deleted_from_the_taxonomy(alice):
    breast = CapabilityFactory(name="Breast cancer", is_tumour_type=True)
    request = FeasibilityRequestFactory()
    request.tumour_types.set([breast])
    breast._history_user = alice
    breast.delete()
    latest = request.history.latest()
    assert latest.history_user == alice
    assert list(latest.tumour_types.all()) == []


def test_a_deletion_that_changes_nothing_else_writes_no_extra_history(alice):
    org = OrganisationFactory()
    contact = ContactFactory()
    before = contact.history.count()
    services.organisation_delete(actor=alice, organisation=org)
    assert contact.history.count() == before


def test_it_still_refuses_to_delete_an_organisation_with_engagements(alice):
    engagement = EngagementFactory()
    org = engagement.organisations.first()
    with pytest.raises(Exception, match="merge it or mark it dormant"):
        services.organisation_delete(actor=alice, organisation=org)
