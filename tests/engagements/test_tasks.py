"""The daily follow-up digest: one email per owner per day, due and overdue items only."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from engagements.schedule import JOBS
from engagements.tasks import email_follow_up_digests
from tests.factories import FollowUpFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TODAY = timezone.localdate()


def test_it_emails_each_owner_their_due_and_overdue_follow_ups_once_a_day(alice):
    org = OrganisationFactory(name="Nimbus Biologics")
    FollowUpFactory(owner=alice, text="Send the directory", due_on=TODAY - datetime.timedelta(days=2), organisation=org)
    FollowUpFactory(owner=alice, text="Call back", due_on=TODAY)
    FollowUpFactory(owner=alice, text="Next month thing", due_on=TODAY + datetime.timedelta(days=30))
    FollowUpFactory(owner=alice, text="Done thing", due_on=TODAY, done_on=TODAY)

    assert email_follow_up_digests.call() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [alice.email]
    assert "Send the directory (Nimbus Biologics): due" in message.body and "OVERDUE" in message.body
    assert "Call back" in message.body
    assert "Next month thing" not in message.body and "Done thing" not in message.body

    assert email_follow_up_digests.call() == 0
    assert len(mail.outbox) == 1


def test_it_is_listed_as_a_daily_job():
    assert ("daily", "engagements.tasks.email_follow_up_digests") in JOBS
