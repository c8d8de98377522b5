"""engagements/services.py: organisations, contacts, events, engagements, follow-ups, merge, erase, export."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from engagements import services
from engagements.models import Contact, Engagement, FollowUp, Organisation
from tests.factories import (
    ContactFactory,
    EngagementFactory,
    EventFactory,
    FeasibilityRequestFactory,
    FollowUpFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def test_it_creates_an_organisation_with_only_a_name_and_kind(alice):
    org = services.organisation_create(actor=alice, name="Nimbus Biologics", kind="biotech")
    assert org.pk and org.status == "prospect"
    assert org.history.count() == 1


def test_it_warns_of_an_organisation_with_the_same_normalised_name(alice):
    existing = OrganisationFactory(name="AstraZeneca")
    with pytest.raises(services.PossibleDuplicate) as caught:
        services.organisation_create(actor=alice, name="Astrazeneca UK Ltd", kind="pharma")
    assert caught.value.existing == [existing]
    assert "AstraZeneca" in caught.value.message_dict["name"][0]
    assert Organisation.objects.count() == 1


def test_it_warns_of_a_close_name_and_creates_anyway_when_asked(alice):
    OrganisationFactory(name="Helixora Oncology")
    with pytest.raises(services.PossibleDuplicate):
        services.organisation_create(actor=alice, name="Helixorra Oncology", kind="biotech")
    org = services.organisation_create(actor=alice, name="Helixorra Oncology", kind="biotech", allow_duplicate=True)
    assert org.pk


def test_it_does_not_warn_for_a_different_name(alice):
    OrganisationFactory(name="Helixora Oncology")
    assert services.organisation_create(actor=alice, name="Quantara Medical", kind="medtech").pk


def test_it_refuses_organisation_writes_to_viewers_and_centre_staff(bob, victor):
    for user in (bob, victor):
        with pytest.raises(PermissionDenied):
            services.organisation_create(actor=user, name="Nimbus", kind="biotech")


def test_it_refuses_an_unknown_kind(alice):
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(actor=alice, name="Nimbus", kind="spaceship")
    assert "kind" in caught.value.message_dict


def test_it_updates_an_organisation_without_warning_about_itself(alice):
    org = OrganisationFactory(name="Nimbus Biologics")
    services.organisation_update(actor=alice, organisation=org, name="Nimbus Biologics Ltd", status="active")
    org.refresh_from_db()
    assert org.status == "active" and org.normalised_name == "nimbus biologics"


def test_it_keeps_email_unique_whatever_its_case(alice):
    ContactFactory(email="ana.silva@nimbus.example", first_name="Ana", last_name="Silva")
    with pytest.raises(ValidationError) as caught:
        services.contact_create(actor=alice, first_name="A", last_name="S", email="Ana.Silva@Nimbus.example")
    assert "already has the email address" in caught.value.message_dict["email"][0]


def test_it_refuses_a_malformed_email(alice):
    with pytest.raises(ValidationError) as caught:
        services.contact_create(actor=alice, first_name="A", last_name="S", email="not-an-email")
    assert "not an email address" in caught.value.message_dict["email"][0]


def test_it_lets_a_contact_keep_its_own_email_on_update(alice):
    contact = ContactFactory(email="ana@nimbus.example")
    services.contact_update(actor=alice, contact=contact, email="ANA@nimbus.example", job_title="CMO")
    contact.refresh_from_db()
    assert contact.job_title == "CMO"


def test_it_refuses_an_event_ending_before_it_starts(alice):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        services.event_create(actor=alice, name="ESMO", starts_on=today, ends_on=today - datetime.timedelta(days=1))
    assert "ends_on" in caught.value.message_dict


def test_it_logs_an_engagement_with_defaults(alice):
    org = OrganisationFactory()
    engagement = services.engagement_log(actor=alice, subject="Pipeline update", organisations=[org])
    assert engagement.occurred_on == timezone.localdate()
    assert list(engagement.staff.all()) == [alice]
    assert engagement.created_by == alice


def test_it_needs_at_least_one_organisation(alice):
    with pytest.raises(ValidationError) as caught:
        services.engagement_log(actor=alice, subject="Pipeline update", organisations=[])
    assert "organisations" in caught.value.message_dict
    assert not Engagement.objects.exists()


def test_it_adds_a_new_contact_inline_at_the_first_organisation(alice):
    org = OrganisationFactory()
    event = EventFactory()
    engagement = services.engagement_log(
        actor=alice,
        subject="Booth chat",
        organisations=[org],
        event=event,
        kind="conference_meeting",
        new_contact={"first_name": "Mei", "last_name": "Tanaka", "email": "mei@nimbus.example"},
        follow_up={"text": "Send the directory", "due_on": timezone.localdate()},
    )
    contact = engagement.contacts.get()
    assert contact.organisation == org and contact.last_name == "Tanaka"
    assert engagement.follow_ups.get().owner == alice


def test_it_writes_nothing_when_the_inline_contact_is_wrong(alice):
    ContactFactory(email="mei@nimbus.example")
    org = OrganisationFactory()
    with pytest.raises(ValidationError) as caught:
        services.engagement_log(
            actor=alice,
            subject="Booth chat",
            organisations=[org],
            new_contact={"first_name": "Mei", "last_name": "Tanaka", "email": "MEI@nimbus.example"},
        )
    assert "new_contact_email" in caught.value.message_dict
    assert not Engagement.objects.exists()


def test_it_completes_a_follow_up_once(alice):
    follow_up = FollowUpFactory()
    services.follow_up_complete(actor=alice, follow_up=follow_up)
    assert follow_up.done_on == timezone.localdate()
    services.follow_up_complete(actor=alice, follow_up=follow_up, done_on=datetime.date(2020, 1, 1))
    assert follow_up.done_on == timezone.localdate()


def test_it_creates_a_follow_up_owned_by_the_actor(alice):
    engagement = EngagementFactory()
    follow_up = services.follow_up_create(
        actor=alice, engagement=engagement, text="Call back", due_on=timezone.localdate()
    )
    assert follow_up.owner == alice
    assert follow_up.organisation == engagement.organisations.first()


def test_it_erases_a_contact_and_its_history(alice):
    contact = ContactFactory(first_name="Ana", last_name="Silva", email="ana@nimbus.example", phone="0113 496 0000")
    services.contact_update(actor=alice, contact=contact, job_title="Head of Clinical Operations", notes="Likes ADCs")
    engagement = EngagementFactory()
    engagement.contacts.add(contact)

    services.contact_erase(actor=alice, contact=contact)

    contact.refresh_from_db()
    assert (contact.first_name, contact.last_name) == ("Erased", "Erased")
    assert contact.email == contact.phone == contact.job_title == contact.notes == ""
    assert contact.erased and contact.erased_at and contact.erased_by == alice
    assert Engagement.objects.filter(pk=engagement.pk).exists()
    assert not engagement.contacts.exists()
    personal = {"Ana", "Silva", "ana@nimbus.example", "0113 496 0000", "Head of Clinical Operations", "Likes ADCs"}
    for row in contact.history.all():
        values = {row.first_name, row.last_name, row.email, row.phone, row.job_title, row.notes}
        assert not values & personal
    assert contact.history.count() >= 3


def test_it_erases_the_persons_name_and_email_from_the_notes_of_their_meetings(alice):
    contact = ContactFactory(first_name="Ana", last_name="Silva", email="ana@nimbus.example")
    engagement = EngagementFactory(
        summary="Met ana silva at ESMO; she asked for the directory.", outcome="Write to ana@nimbus.example"
    )
    engagement.contacts.add(contact)
    follow_up = FollowUpFactory(engagement=engagement, text="Send Ana Silva the directory")
    other = EngagementFactory(summary="Ana Silva from another company, not linked")

    services.contact_erase(actor=alice, contact=contact)

    engagement.refresh_from_db()
    follow_up.refresh_from_db()
    assert engagement.summary == "Met [erased contact] at ESMO; she asked for the directory."
    assert engagement.outcome == "Write to [erased contact]"
    assert follow_up.text == "Send [erased contact] the directory"
    for row in [*engagement.history.all(), *follow_up.history.all()]:
        text = " ".join(str(getattr(row, f, "")) for f in ("summary", "outcome", "text")).lower()
        assert "silva" not in text and "ana@nimbus" not in text
    # Only the records the person was linked to are touched.
    other.refresh_from_db()
    assert other.summary == "Ana Silva from another company, not linked"


def test_it_exports_everything_held_about_a_contact(alice):
    contact = ContactFactory(first_name="Ana", email="ana@nimbus.example")
    engagement = EngagementFactory(subject="Pipeline")
    engagement.contacts.add(contact)
    FollowUpFactory(engagement=engagement, text="Send slides")
    request = FeasibilityRequestFactory(sponsor=contact.organisation)
    request.sponsor_contacts.add(contact)
    data = services.contact_export(actor=alice, contact=contact)
    assert data["contact"]["email"] == "ana@nimbus.example"
    assert data["organisation"]["name"] == contact.organisation.name
    assert [e["subject"] for e in data["engagements"]] == ["Pipeline"]
    assert [f["text"] for f in data["follow_ups"]] == ["Send slides"]
    assert [r["reference"] for r in data["feasibility_requests"]] == [request.reference]


def test_it_merges_an_organisation_into_another(alice):
    survivor = OrganisationFactory(name="Nimbus Biologics")
    other = OrganisationFactory(name="Nimbus Bio", website="https://nimbus.example")
    contact = ContactFactory(organisation=other)
    engagement = EngagementFactory(organisations=[other])
    follow_up = FollowUpFactory(organisation=other)
    request = FeasibilityRequestFactory(sponsor=other)
    child = OrganisationFactory(name="Nimbus Japan", parent=other)

    services.organisation_merge(actor=alice, survivor=survivor, other=other)

    contact.refresh_from_db()
    follow_up.refresh_from_db()
    request.refresh_from_db()
    child.refresh_from_db()
    other.refresh_from_db()
    survivor.refresh_from_db()
    assert contact.organisation == survivor
    assert list(engagement.organisations.all()) == [survivor]
    assert follow_up.organisation == survivor
    assert request.sponsor == survivor
    assert child.parent == survivor
    assert other.merged_into == survivor and other.status == "dormant"
    assert survivor.website == "https://nimbus.example"
    assert other.history.count() >= 2


def test_it_refuses_to_merge_an_organisation_into_itself(alice):
    org = OrganisationFactory()
    with pytest.raises(ValidationError):
        services.organisation_merge(actor=alice, survivor=org, other=org)


def test_it_refuses_to_delete_an_organisation_with_engagements(alice):
    engagement = EngagementFactory()
    with pytest.raises(ValidationError):
        services.organisation_delete(actor=alice, organisation=engagement.organisations.get())


def test_it_deletes_a_follow_up(alice):
    follow_up = FollowUpFactory()
    services.follow_up_delete(actor=alice, follow_up=follow_up)
    assert not FollowUp.objects.exists()
    assert Contact.objects.count() == 0


def test_it_keeps_a_contact_after_review_and_records_who(alice):
    contact = ContactFactory()
    services.contact_keep(actor=alice, contact=contact, today=datetime.date(2026, 3, 1))
    contact.refresh_from_db()
    assert contact.reviewed_on == datetime.date(2026, 3, 1)
    assert contact.history.first().history_user == alice


def test_it_refuses_to_keep_for_viewers_or_an_erased_contact(alice, victor):
    contact = ContactFactory()
    with pytest.raises(PermissionDenied):
        services.contact_keep(actor=victor, contact=contact)
    services.contact_erase(actor=alice, contact=contact)
    with pytest.raises(ValidationError):
        services.contact_keep(actor=alice, contact=contact)
    contact.refresh_from_db()
    assert contact.reviewed_on is None


def test_it_names_the_actor_in_the_history_outside_a_web_request(alice):
    org = services.organisation_create(actor=alice, name="Nimbus Biologics", kind="biotech")
    event = services.event_create(actor=alice, name="ESMO", starts_on=timezone.localdate())
    services.organisation_update(actor=alice, organisation=org, country="Norway")
    assert [row.history_user for row in org.history.all()] == [alice, alice]
    assert event.history.first().history_user == alice
