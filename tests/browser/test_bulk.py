"""Bulk actions in a real browser: tick every follow-up with the header's box, mark them done in one go."""

import pytest
from playwright.sync_api import expect

from engagements.models import FollowUp
from tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_it_ticks_every_follow_up_and_marks_them_done(page, sign_in, alice):
    FollowUpFactory.create_batch(3, owner=alice)
    sign_in(alice)
    page.goto("/follow-ups/")
    page.get_by_label("Tick every row on this page").check()
    expect(page.locator('input[name="selected"]:checked')).to_have_count(3)
    page.get_by_role("button", name="Mark done").click()
    expect(page.get_by_role("alert")).to_contain_text("3 follow-ups marked done")
    assert FollowUp.objects.filter(done_on__isnull=True).count() == 0


def test_it_adds_the_ticked_contacts_to_an_event_and_shows_them_there(page, sign_in, alice):
    from tests.factories import ContactFactory, EventFactory

    event = EventFactory(name="ESMO 2026")
    ada = ContactFactory(first_name="Ada", last_name="Lovelace")
    ContactFactory(first_name="Ben", last_name="Left")
    sign_in(alice)
    page.goto("/contacts/")
    page.get_by_role("checkbox", name="Ada Lovelace").check()
    page.get_by_label("Event", exact=True).select_option(label=str(event))
    page.get_by_role("button", name="Add to event").click()
    expect(page.get_by_role("alert")).to_contain_text("1 contact added to ESMO 2026.")
    assert list(event.contacts.all()) == [ada]
    page.goto(f"/events/{event.pk}/")
    expect(page.get_by_test_id("event-people")).to_contain_text("Ada Lovelace")
    assert not page.console_errors
