"""The demo's sponsor account: sam at Caldera Oncology, with requests at several stages and one released answer."""

import io

import pytest
from django.core.management import call_command

from crm.models import User
from feasibility.models import FeasibilityRequest, SponsorSummary

pytestmark = pytest.mark.django_db


def test_it_gives_sam_requests_at_several_stages_and_one_released_answer(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=io.StringIO())
    sam = User.objects.get(username="sam")
    assert sam.role == "sponsor" and sam.organisation.name == "Caldera Oncology"
    assert sam.check_password("epoch-demo-2026") and sam.nda_accepted_at
    own = FeasibilityRequest.objects.filter(sponsor=sam.organisation, source="sponsor_account")
    assert sorted(own.values_list("status", flat=True)) == ["circulating", "summary_sent", "triage"]
    released = SponsorSummary.objects.released().get(request__sponsor=sam.organisation)
    assert released.pdf and released.csv
    call_command("seed_demo", stdout=io.StringIO())
    assert own.count() == 3
