"""Stale and expiring flags, and the Programme Office's list of centres needing attention."""

import datetime

import pytest

from capabilities import selectors
from capabilities.models import Capability
from tests.factories import CentreCapabilityFactory, CentreFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def cap(code):
    return Capability.objects.get(code=code)


def test_it_marks_a_level_stale_after_12_months_without_confirmation(leeds):
    fresh = CentreCapabilityFactory(centre=leeds, capability=cap("adult"), confirmed_on=TODAY - datetime.timedelta(365))
    old = CentreCapabilityFactory(
        centre=leeds, capability=cap("tumour.lung"), confirmed_on=TODAY - datetime.timedelta(366)
    )
    never = CentreCapabilityFactory(centre=leeds, capability=cap("tumour.breast"), confirmed_on=None)
    assert [fresh.is_stale(TODAY), old.is_stale(TODAY), never.is_stale(TODAY)] == [False, True, True]


def test_it_marks_a_licence_expiring_within_90_days_and_expired_after(leeds):
    def licence(days):
        return CentreCapabilityFactory(
            centre=leeds, capability=cap("radio.arsac_licence"), expires_on=TODAY + datetime.timedelta(days)
        )

    soon = licence(90)
    assert soon.is_expiring(TODAY) and not soon.is_expired(TODAY)
    soon.expires_on = TODAY + datetime.timedelta(91)
    assert not soon.is_expiring(TODAY)
    soon.expires_on = TODAY - datetime.timedelta(1)
    assert soon.is_expiring(TODAY) and soon.is_expired(TODAY)


def test_it_lists_centres_needing_attention_in_two_queries(leeds, manchester, django_assert_num_queries):
    quiet = CentreFactory(name="Oxford ECMC", code="oxford")
    CentreCapabilityFactory(centre=quiet, capability=cap("adult"), confirmed_on=TODAY)
    CentreCapabilityFactory(centre=leeds, capability=cap("adult"), confirmed_on=TODAY - datetime.timedelta(400))
    CentreCapabilityFactory(
        centre=leeds, capability=cap("haem.jacie"), confirmed_on=TODAY, expires_on=TODAY + datetime.timedelta(20)
    )
    CentreFactory(name="Closed ECMC", code="closed", active=False)
    with django_assert_num_queries(2):
        flags = selectors.stale_and_expiring(TODAY)
    by_code = {f.centre.code: f for f in flags}
    assert set(by_code) == {"leeds", "manchester"}
    assert (by_code["leeds"].stale_count, by_code["leeds"].expiring_count) == (1, 1)
    assert by_code["leeds"].expiring[0].capability.code == "haem.jacie"
    assert by_code["manchester"].empty


def test_it_summarises_headline_levels_in_a_fixed_order(leeds):
    for code in ("radiopharmaceutical", "adult", "tumour.lung"):
        CentreCapabilityFactory(centre=leeds, capability=cap(code), confirmed_on=TODAY)
    summary = selectors.directory(type(leeds).objects.filter(pk=leeds.pk), TODAY)[0]
    assert [level.capability.code for level in summary.headline] == ["adult", "radiopharmaceutical"]
    assert (summary.total, summary.stale, summary.last_confirmed) == (3, 0, TODAY)
