"""Demo capability profiles: plausible, deterministic, rerunnable."""

import datetime

import pytest

from capabilities import demo, selectors
from capabilities.models import CentreCapability
from capabilities.services import _validate_level
from crm.demo import seed_users

pytestmark = pytest.mark.django_db


def seed_twice():
    centres = demo.seed_centres()
    users = seed_users(centres)
    first = demo.seed(users=users, centres=centres)
    snapshot = list(CentreCapability.objects.order_by("id").values_list("centre__code", "capability__code", "level"))
    second = demo.seed(users=users, centres=centres)
    return centres, first, second, snapshot


def test_it_gives_every_demo_centre_a_profile_and_reruns_without_duplicates(db):
    centres, first, second, snapshot = seed_twice()
    assert first["capability levels"] == second["capability levels"] == len(snapshot) > 29 * 20
    assert second["new levels"] == 0
    for code, centre in centres.items():
        network = "paediatric" if code.endswith("-paed") else "adult"
        assert CentreCapability.objects.filter(centre=centre, capability__code=network, level="available").exists()


def test_it_seeds_haematology_and_radiopharmaceutical_centres_with_licences(db):
    seed_twice()
    jacie = CentreCapability.objects.filter(capability__code="haem.jacie")
    assert jacie.count() >= 4 and all(level.expires_on for level in jacie)
    assert jacie.expiring().exists()
    radio = CentreCapability.objects.filter(capability__code="radiopharmaceutical", level__in=["available", "limited"])
    assert 6 <= radio.count() <= 9
    assert CentreCapability.objects.filter(expires_on__lt=datetime.date.today()).exists()  # a few expired
    arsac = CentreCapability.objects.filter(capability__code="radio.arsac_licence")
    assert set(arsac.values_list("centre_id", flat=True)) == set(radio.values_list("centre_id", flat=True))
    beds = CentreCapability.objects.filter(capability__code="unit.beds")
    assert all(level.quantity for level in beds)
    assert CentreCapability.objects.filter(level="limited").exists()
    assert CentreCapability.objects.filter(level="planned").exists()


def test_it_leaves_some_centres_stale_and_every_row_valid(db):
    seed_twice()
    flags = selectors.stale_and_expiring()
    assert sum(1 for f in flags if f.stale_count) >= 3
    for level in CentreCapability.objects.select_related("capability"):
        _validate_level(
            capability=level.capability,
            level=level.level,
            quantity=level.quantity,
            expires_on=level.expires_on,
            today=level.confirmed_on,
        )


def test_it_is_deterministic(db):
    _, _, _, snapshot = seed_twice()
    CentreCapability.objects.all().delete()
    _, _, _, again = seed_twice()
    assert [row for row in snapshot] == [row for row in again]


def test_it_pairs_paediatric_units_with_the_adult_centre_on_their_campus(db):
    centres, first, second, _snapshot = seed_twice()
    assert first["partnerships"] >= 6 and second["partnerships"] == 0
    assert list(centres["london-ucl"].partners.all()) == [centres["london-great-ormond-street-paed"]]
    assert centres["manchester-paed"].partners.get() == centres["manchester"]
    quantities = set(
        CentreCapability.objects.filter(capability__code="unit.minutes_to_icu").values_list("quantity", flat=True)
    )
    assert len(quantities) >= 4  # time to intensive care differs
