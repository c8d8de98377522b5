"""The demo reads as a programme office's real year: plausible studies, partners, initiatives, late sites."""

import pytest
from django.utils import timezone

from capabilities.demo import seed_centres
from crm.dashboard import _setups_awaited
from crm.demo import seed_users
from engagements import demo as engagements_demo
from engagements.models import Event, Initiative, Organisation
from feasibility import demo
from feasibility.models import FeasibilityRequest, SiteSetUp

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    """The whole demo once per test that needs it (it takes a while: the checks share one test below)."""
    centres = seed_centres()
    users = seed_users(centres)
    engagements_demo.seed(users=users, centres=centres)
    demo.seed(users=users, centres=centres)
    return users


def test_it_reads_as_a_programme_offices_real_network(seeded):
    _targets_agree_with_tumour_types()
    _haematology_collaborative_and_non_commercial()
    _partners_events_and_initiatives()
    _late_sites_milestones_and_participants(seeded)


def _targets_agree_with_tumour_types():
    requests = FeasibilityRequest.objects.prefetch_related("tumour_types")
    for request in requests:
        codes = {t.code for t in request.tumour_types.all()}
        if "BCMA" in request.title or "GPRC5D" in request.title:
            assert codes <= {"tumour.myeloma"}, request.title
        if "PSMA" in request.title:
            assert codes == {"tumour.prostate"}, request.title
        assert not ("CAR-T" in request.title and "tumour.gastro_oesophageal" in codes), request.title


def _haematology_collaborative_and_non_commercial():
    assert FeasibilityRequest.objects.in_community("haematology").count() >= 10
    assert FeasibilityRequest.objects.filter(funding="collaborative").exists()
    assert FeasibilityRequest.objects.filter(funding="non_commercial").exists()
    academic = FeasibilityRequest.objects.filter(funding="non_commercial").select_related("sponsor")
    assert all(r.sponsor.sector == "partner" for r in academic)
    assert all(
        r.sponsor.sector == "industry" for r in FeasibilityRequest.objects.commercial().select_related("sponsor")
    )


def _partners_events_and_initiatives():
    assert Organisation.objects.partners().filter(kind="research_network").count() >= 2
    assert Organisation.objects.filter(name="Cancer Research UK", kind="charity").exists()
    assert Event.objects.filter(participation="hosted", attendees__gt=0).exists()
    assert Event.objects.filter(scope="international").exists()
    kinds = set(Initiative.objects.values_list("kind", flat=True))
    assert {"education", "early_career", "patient_information"} <= kinds
    tool = Initiative.objects.get(kind="patient_information")
    assert {o.sector for o in tool.organisations.all()} == {"industry", "partner"}  # co-developed with industry


def _late_sites_milestones_and_participants(seeded):
    today = timezone.localdate()
    setups = SiteSetUp.objects.select_related("request")
    assert any(s.days_to_open is not None and s.days_to_open > 60 for s in setups)
    assert setups.filter(contract_signed_on__isnull=False, costing_agreed_on__isnull=False).exists()
    assert setups.filter(participants__gt=0).exists()
    assert not setups.filter(opened_on__gt=today).exists()
    for setup in setups:
        setup.clean()  # every demo set-up passes the same date rules as the forms
    for request in FeasibilityRequest.objects.filter(regulatory_submitted_on__isnull=False):
        request.clean_dates()
    awaited = _setups_awaited(seeded["alice"], today)
    assert awaited["sites_awaited"] or awaited["studies_awaited"]
