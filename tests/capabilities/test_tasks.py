"""The yearly reminder to re-confirm each centre's profile."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from capabilities.models import Capability, ProfileReminder
from capabilities.schedule import JOBS
from capabilities.tasks import remind_centres_to_reconfirm_profiles
from tests.factories import CentreCapabilityFactory, CentreFactory

pytestmark = pytest.mark.django_db


def run(capture):
    with capture(execute=True):
        return remind_centres_to_reconfirm_profiles.call()


def test_it_emails_each_centres_members_a_link_once_a_year(bob, carol, leeds, django_capture_on_commit_callbacks):
    CentreCapabilityFactory(
        centre=leeds, capability=Capability.objects.get(code="adult"),
        confirmed_on=timezone.localdate() - datetime.timedelta(days=400),
    )  # fmt: skip
    CentreCapabilityFactory(
        centre=leeds, capability=Capability.objects.get(code="haem.jacie"),
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )  # fmt: skip
    CentreFactory(name="Nobody ECMC", code="nobody")  # no members: nobody to remind
    assert run(django_capture_on_commit_callbacks) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([bob.email, carol.email])
    to_bob = next(m for m in mail.outbox if m.to == [bob.email])
    assert "Leeds ECMC" in to_bob.subject
    assert f"/centres/{leeds.pk}/" in to_bob.body
    assert "1 of them has not been confirmed" in to_bob.body
    assert "JACIE accreditation" in to_bob.body
    assert ProfileReminder.objects.filter(year=timezone.localdate().year).count() == 2

    assert run(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2


def test_it_skips_inactive_centres(bob, leeds, django_capture_on_commit_callbacks):
    leeds.active = False
    leeds.save()
    assert run(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_it_is_scheduled_yearly():
    assert ("yearly", "capabilities.tasks.remind_centres_to_reconfirm_profiles") in JOBS
