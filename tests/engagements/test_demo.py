"""engagements/demo.py: a realistic, rerunnable demo."""

import pytest
from django.utils import timezone

from capabilities.demo import seed_centres
from crm.demo import seed_users
from engagements import demo
from engagements.models import Contact, Engagement, Event, FollowUp, Organisation

pytestmark = pytest.mark.django_db


def test_it_seeds_a_realistic_demo_and_reruns_without_duplicates():
    centres = seed_centres()
    users = seed_users(centres)
    counts = demo.seed(users=users, centres=centres)
    assert counts["organisations"] == Organisation.objects.count() >= 40
    assert Contact.objects.count() >= 90
    assert Event.objects.count() >= 12
    assert Engagement.objects.count() == 420
    assert Engagement.objects.filter(event__isnull=False).count() > 80
    assert FollowUp.objects.filter(done_on__isnull=True, due_on__lt=timezone.localdate()).exists()
    before = (Organisation.objects.count(), Contact.objects.count(), Event.objects.count(), Engagement.objects.count())
    demo.seed(users=users, centres=centres)
    after = (Organisation.objects.count(), Contact.objects.count(), Event.objects.count(), Engagement.objects.count())
    assert before == after
