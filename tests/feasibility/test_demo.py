"""The feasibility demo: two years of requests, mostly with interest, rerunnable."""

import datetime

import pytest
from django.utils import timezone

from capabilities.demo import seed_centres
from crm.demo import seed_users
from feasibility import demo
from feasibility.models import CLOSED_STATUSES, FeasibilityRequest, Invitation

pytestmark = pytest.mark.django_db


def test_it_seeds_two_years_of_requests_and_reruns_without_duplicates():
    centres = seed_centres()
    users = seed_users(centres)
    counts = demo.seed(users=users, centres=centres)
    assert 100 <= counts["requests"] <= 260
    circulated = FeasibilityRequest.objects.filter(invitations__isnull=False).distinct()
    with_interest = circulated.filter(invitations__response__decision="interested").distinct()
    assert with_interest.count() / circulated.count() >= 0.8
    before = (FeasibilityRequest.objects.count(), Invitation.objects.count())
    assert demo.seed(users=users, centres=centres)["requests"] == 0
    assert (FeasibilityRequest.objects.count(), Invitation.objects.count()) == before


def test_it_routes_to_eligible_centres_when_profiles_exist():
    from tests.factories import CapabilityFactory, CentreCapabilityFactory

    centres = seed_centres()
    users = seed_users(centres)
    adult, paediatric = CapabilityFactory(code="adult"), CapabilityFactory(code="paediatric")
    pet = CapabilityFactory(code="imaging.pet_ct")
    for i, centre in enumerate(centres.values()):
        CentreCapabilityFactory(centre=centre, capability=paediatric if centre.code.endswith("-paed") else adult)
        if i % 2:
            CentreCapabilityFactory(centre=centre, capability=pet)
    demo.seed(users=users, centres=centres)
    assert Invitation.objects.exists()
    assert not Invitation.objects.filter(eligible=False).exists()
    paediatric_only = FeasibilityRequest.objects.filter(populations=["paediatric"], invitations__isnull=False)
    assert all(i.centre.code.endswith("-paed") for r in paediatric_only for i in r.invitations.all())


def test_it_closes_old_rounds_so_only_recent_requests_await_answers():
    centres = seed_centres()
    users = seed_users(centres)
    demo.seed(users=users, centres=centres)
    today = timezone.localdate()
    requests = FeasibilityRequest.objects.all()
    assert not requests.filter(
        received_on__lt=today - datetime.timedelta(days=60), status__in=["triage", "circulating"]
    )
    assert not requests.filter(received_on__lt=today - datetime.timedelta(days=140)).exclude(status__in=CLOSED_STATUSES)
    assert requests.filter(status="placed", setups__isnull=False).exists()
    assert all(r.outcome_notes for r in requests.filter(status__in=CLOSED_STATUSES))
    overdue = Invitation.objects.overdue(today)
    assert overdue.count() <= 15
    assert all(i.deadline > today - datetime.timedelta(days=42) for i in overdue)


def test_it_routes_the_paediatric_radioligand_request_to_paediatric_units_through_their_partners():
    from capabilities import demo as capabilities_demo
    from feasibility import services

    centres = seed_centres()
    users = seed_users(centres)
    capabilities_demo.seed(users=users, centres=centres)
    demo.seed(users=users, centres=centres)
    request = FeasibilityRequest.objects.get(title=demo.PAEDIATRIC_RADIOLIGAND_TITLE)
    assert request.status == "triage"
    matches = services.matches_for(request)
    eligible = {m.centre_name: m for m in matches if m.eligible}
    assert 3 <= len(eligible) <= 8
    assert all("Paediatric" in name for name in eligible)
    gosh = eligible["London Great Ormond Street Paediatric ECMC"]
    assert gosh.via == {"radiopharmaceutical": "London UCL ECMC", "radio.arsac_licence": "London UCL ECMC"}
    assert "Royal Marsden" in " ".join(eligible)  # its own licence, no partner needed
    glasgow = next(m for m in matches if m.centre_name == "Glasgow Paediatric ECMC")
    assert not glasgow.eligible and glasgow.score is None  # its partner's licence lapsed
    made = services.route_request(actor=users["alice"], request=request, centres=[gosh.centre_id])
    assert made[0].eligible and made[0].explanation["via"]
