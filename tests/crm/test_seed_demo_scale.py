"""`seed_demo --scale N`: earlier network-years in bulk, with history, rerunnable."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from capabilities.models import Centre
from crm.demo_scale import REQUESTS_PER_YEAR, scaled_years
from engagements.models import Engagement, Organisation
from feasibility.models import CentreResponse, FeasibilityRequest, Invitation, SiteSetUp

pytestmark = pytest.mark.django_db


def test_it_adds_earlier_network_years_with_their_history_and_keeps_the_centres():
    call_command("seed_demo", stdout=io.StringIO())
    requests, engagements = FeasibilityRequest.objects.count(), Engagement.objects.count()
    out = io.StringIO()
    call_command("seed_demo", "--scale", "3", stdout=out)

    assert Centre.objects.count() == 29
    years = scaled_years(3, timezone.localdate())
    assert len(years) == 2
    assert FeasibilityRequest.objects.count() == requests + 2 * REQUESTS_PER_YEAR
    assert Engagement.objects.count() > engagements
    oldest = FeasibilityRequest.objects.filter(reference__startswith=f"FR-{min(years)}-")
    assert oldest.count() == REQUESTS_PER_YEAR
    assert all(r.received_on.year == min(years) for r in oldest)
    # Every request was routed, most invitations answered, placed ones set up; all with history rows.
    invitations = Invitation.objects.filter(request__in=oldest)
    assert invitations.count() >= 6 * REQUESTS_PER_YEAR
    assert CentreResponse.objects.filter(invitation__in=invitations).exists()
    assert SiteSetUp.objects.filter(request__in=oldest).exists()
    request = oldest.first()
    assert request.history.count() == 1
    assert request.history.first().history_date.year == min(years)
    assert Organisation.history.count() == Organisation.objects.count()
    assert "2/2 network-years" in out.getvalue()


def test_it_reruns_a_scale_without_duplicating_years():
    call_command("seed_demo", "--scale", "2", stdout=io.StringIO())
    counts = FeasibilityRequest.objects.count(), Invitation.objects.count(), Organisation.objects.count()
    out = io.StringIO()
    call_command("seed_demo", "--scale", "2", stdout=out)
    assert (FeasibilityRequest.objects.count(), Invitation.objects.count(), Organisation.objects.count()) == counts
    assert "already there" in out.getvalue()


def test_it_refuses_a_scale_below_one():
    with pytest.raises(CommandError, match="1 or more"):
        call_command("seed_demo", "--scale", "0", stdout=io.StringIO())
