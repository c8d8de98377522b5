"""Services that change the directory: level rules, who may change what, history, confirm-all."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from capabilities import services
from capabilities.models import Capability, CapabilityArea, CentreCapability, ModalityRule
from tests.factories import CentreCapabilityFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def cap(code):
    return Capability.objects.get(code=code)


def test_it_records_a_level_confirmed_today_by_the_actor(bob, leeds):
    row = services.centre_capability_set(
        actor=bob, centre=leeds, capability=cap("adult"), level="available", notes="All tumour types", today=TODAY
    )
    assert (row.level, row.confirmed_on, row.confirmed_by) == ("available", TODAY, bob)
    assert row.history.first().history_user == bob


def test_it_updates_the_existing_row_rather_than_adding_one(bob, leeds):
    services.centre_capability_set(actor=bob, centre=leeds, capability=cap("adult"), level="planned", today=TODAY)
    services.centre_capability_set(actor=bob, centre=leeds, capability=cap("adult"), level="limited", today=TODAY)
    assert CentreCapability.objects.get(centre=leeds).level == "limited"
    assert CentreCapability.objects.get(centre=leeds).history.count() == 2


def test_it_refuses_another_centres_staff_and_viewers(carol, victor, leeds):
    for user in (carol, victor):
        with pytest.raises(PermissionDenied):
            services.centre_capability_set(actor=user, centre=leeds, capability=cap("adult"), level="available")
    assert not CentreCapability.objects.exists()


def test_it_lets_the_programme_office_edit_any_centre(alice, leeds):
    services.centre_capability_set(actor=alice, centre=leeds, capability=cap("adult"), level="available")
    assert CentreCapability.objects.filter(centre=leeds).count() == 1


def test_it_refuses_a_quantity_for_a_capability_without_one(bob, leeds):
    with pytest.raises(ValidationError) as exc:
        services.centre_capability_set(actor=bob, centre=leeds, capability=cap("adult"), level="available", quantity=3)
    assert "takes no number" in exc.value.message_dict["quantity"][0]
    assert not CentreCapability.objects.exists()


def test_it_asks_for_the_number_where_a_capability_counts(bob, leeds):
    with pytest.raises(ValidationError) as exc:
        services.centre_capability_set(actor=bob, centre=leeds, capability=cap("unit.beds"), level="available")
    assert "beds" in exc.value.message_dict["quantity"][0]
    row = services.centre_capability_set(
        actor=bob, centre=leeds, capability=cap("unit.beds"), level="available", quantity=12
    )
    assert row.quantity == 12


def test_it_accepts_a_planned_countable_capability_without_a_number(bob, leeds):
    row = services.centre_capability_set(actor=bob, centre=leeds, capability=cap("unit.beds"), level="planned")
    assert row.quantity is None


def test_it_refuses_an_expiry_date_on_a_capability_that_does_not_expire(bob, leeds):
    with pytest.raises(ValidationError) as exc:
        services.centre_capability_set(
            actor=bob, centre=leeds, capability=cap("radio.pet_ct"), level="available", expires_on=TODAY
        )
    assert "does not expire" in exc.value.message_dict["expires_on"][0]


def test_it_needs_a_current_expiry_date_for_a_held_licence(bob, leeds):
    licence = cap("radio.arsac_licence")
    with pytest.raises(ValidationError) as missing:
        services.centre_capability_set(actor=bob, centre=leeds, capability=licence, level="available", today=TODAY)
    assert "expiry date" in missing.value.message_dict["expires_on"][0]
    with pytest.raises(ValidationError) as past:
        services.centre_capability_set(
            actor=bob, centre=leeds, capability=licence, level="available",
            expires_on=TODAY - datetime.timedelta(days=1), today=TODAY,
        )  # fmt: skip
    assert "passed" in past.value.message_dict["expires_on"][0]
    row = services.centre_capability_set(
        actor=bob, centre=leeds, capability=licence, level="available",
        expires_on=TODAY + datetime.timedelta(days=400), evidence="ARSAC 12345", today=TODAY,
    )  # fmt: skip
    assert row.evidence == "ARSAC 12345"


def test_it_refuses_an_unknown_level(bob, leeds):
    with pytest.raises(ValidationError) as exc:
        services.centre_capability_set(actor=bob, centre=leeds, capability=cap("adult"), level="maybe")
    assert "level" in exc.value.message_dict


def test_it_removes_a_level_and_keeps_the_history(bob, carol, leeds):
    row = CentreCapabilityFactory(centre=leeds, capability=cap("adult"))
    with pytest.raises(PermissionDenied):
        services.centre_capability_remove(actor=carol, centre_capability=row)
    services.centre_capability_remove(actor=bob, centre_capability=row)
    assert not CentreCapability.objects.exists()
    assert CentreCapability.history.filter(history_type="-", history_user=bob).count() == 1


def test_it_confirms_every_level_of_the_centre_at_once_with_history(bob, leeds, manchester):
    old = TODAY - datetime.timedelta(days=500)
    for code in ("adult", "haematology", "tumour.lung"):
        CentreCapabilityFactory(centre=leeds, capability=cap(code), confirmed_on=old)
    other = CentreCapabilityFactory(centre=manchester, capability=cap("adult"), confirmed_on=old)
    assert services.centre_confirm_all(actor=bob, centre=leeds, today=TODAY) == 3
    assert set(CentreCapability.objects.filter(centre=leeds).values_list("confirmed_on", flat=True)) == {TODAY}
    assert set(CentreCapability.objects.filter(centre=leeds).values_list("confirmed_by", flat=True)) == {bob.pk}
    other.refresh_from_db()
    assert other.confirmed_on == old
    confirmations = CentreCapability.history.filter(history_change_reason="Confirmed as current")
    assert confirmations.count() == 3
    assert {h.history_user_id for h in confirmations} == {bob.pk}


def test_it_refuses_confirm_all_for_another_centre(carol, leeds):
    with pytest.raises(PermissionDenied):
        services.centre_confirm_all(actor=carol, centre=leeds)


def test_it_lets_only_the_programme_office_edit_the_taxonomy(alice, bob, victor):
    for user in (bob, victor):
        with pytest.raises(PermissionDenied):
            services.capability_area_create(actor=user, name="Surgery")
    area = services.capability_area_create(actor=alice, name="Surgery", order=200)
    capability = services.capability_create(actor=alice, code="surgery.robotic", name="Robotic surgery", area=area)
    assert capability.history.first().history_user == alice
    services.capability_update(actor=alice, capability=capability, name="Robot-assisted surgery")
    assert Capability.objects.get(code="surgery.robotic").name == "Robot-assisted surgery"
    services.capability_area_update(actor=alice, area=area, description="Surgical trials")
    assert CapabilityArea.objects.get(name="Surgery").description == "Surgical trials"


def test_it_refuses_a_bad_or_duplicate_code_and_a_code_change(alice):
    area = CapabilityArea.objects.first()
    with pytest.raises(ValidationError) as bad:
        services.capability_create(actor=alice, code="Not A Code", name="x", area=area)
    assert "code" in bad.value.message_dict
    with pytest.raises(ValidationError):
        services.capability_create(actor=alice, code="adult", name="Adults again", area=area)
    with pytest.raises(ValidationError) as change:
        services.capability_update(actor=alice, capability=cap("adult"), code="adults")
    assert "fixed" in change.value.message_dict["code"][0]


def test_it_adds_and_removes_modality_rules(alice, bob):
    with pytest.raises(PermissionDenied):
        services.modality_rule_add(actor=bob, modality="vaccine", capability=cap("translational.ctdna"))
    rule = services.modality_rule_add(actor=alice, modality="vaccine", capability=cap("translational.ctdna"))
    with pytest.raises(ValidationError):
        services.modality_rule_add(actor=alice, modality="vaccine", capability=cap("translational.ctdna"))
    with pytest.raises(ValidationError) as population:
        services.modality_rule_add(actor=alice, modality="vaccine", capability=cap("adult"))
    assert "population" in population.value.message_dict["capability"][0]
    services.modality_rule_remove(actor=alice, rule=rule)
    assert not ModalityRule.objects.filter(modality="vaccine").exists()


def test_it_creates_and_updates_centres_for_the_programme_office_only(alice, bob):
    with pytest.raises(PermissionDenied):
        services.centre_create(actor=bob, name="Exeter ECMC", code="exeter")
    centre = services.centre_create(actor=alice, name="Exeter ECMC", code="exeter", city="Exeter")
    services.centre_update(actor=alice, centre=centre, active=False)
    centre.refresh_from_db()
    assert not centre.active
    with pytest.raises(ValidationError):
        services.centre_create(actor=alice, name="Exeter ECMC", code="exeter-2")
