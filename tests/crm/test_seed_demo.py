import io

import pytest
from django.core.management import call_command

from capabilities.models import Centre
from crm.models import User

pytestmark = pytest.mark.django_db


def test_it_seeds_the_demo_network_and_reruns_without_duplicates():
    call_command("seed_demo", stdout=io.StringIO())
    centres, users = Centre.objects.count(), User.objects.count()
    assert centres == 29
    assert {"alice", "bob", "carol", "victor", "admin"} <= set(User.objects.values_list("username", flat=True))
    call_command("seed_demo", stdout=io.StringIO())
    assert (Centre.objects.count(), User.objects.count()) == (centres, users)
    assert User.objects.get(username="bob").check_password("epoch-demo-2026")
