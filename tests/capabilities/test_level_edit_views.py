"""Editing a centre's levels on its page: one row inline (htmx), remove, confirm everything current."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from capabilities.models import Capability, CentreCapability
from tests.factories import CentreCapabilityFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def cap(code):
    return Capability.objects.get(code=code)


def edit_url(centre, code):
    return reverse("capabilities:level-edit", args=[centre.pk, cap(code).pk])


def test_it_swaps_in_a_form_row_then_the_saved_row(client_for, bob, leeds):
    client = client_for(bob)
    form_row = client.get(edit_url(leeds, "unit.beds"), **HTMX).content.decode()
    assert form_row.lstrip().startswith("<tr")
    assert 'name="quantity"' in form_row and "Beds" in form_row
    assert 'name="expires_on"' not in form_row
    saved = client.post(edit_url(leeds, "unit.beds"), {"level": "available", "quantity": "10"}, **HTMX)
    html = saved.content.decode()
    assert "10 beds" in html and "<html" not in html
    row = CentreCapability.objects.get(centre=leeds, capability=cap("unit.beds"))
    assert (row.quantity, row.confirmed_by, row.confirmed_on) == (10, bob, timezone.localdate())


def test_it_keeps_the_input_and_shows_the_error_next_to_the_field(client_for, bob, leeds):
    response = client_for(bob).post(
        edit_url(leeds, "radio.arsac_licence"), {"level": "available", "evidence": "ARSAC-778"}, **HTMX
    )
    html = response.content.decode()
    assert "Give the expiry date" in html
    assert 'value="ARSAC-778"' in html
    assert not CentreCapability.objects.exists()


def test_it_cancels_back_to_the_display_row(client_for, bob, leeds):
    CentreCapabilityFactory(centre=leeds, capability=cap("adult"))
    html = client_for(bob).get(edit_url(leeds, "adult") + "?cancel=1", **HTMX).content.decode()
    assert 'data-testid="level-adult"' in html and "Available" in html


def test_it_works_as_a_page_without_htmx(client_for, bob, leeds):
    client = client_for(bob)
    assert "<html" in client.get(edit_url(leeds, "adult")).content.decode()
    response = client.post(edit_url(leeds, "adult"), {"level": "limited", "notes": "Two consultants"})
    assert response.status_code == 302
    assert CentreCapability.objects.get(centre=leeds).notes == "Two consultants"


@pytest.mark.parametrize("user_name", ["carol", "victor"])
def test_it_refuses_other_centres_staff_and_viewers(client_for, request, leeds, user_name):
    client = client_for(request.getfixturevalue(user_name))
    assert client.get(edit_url(leeds, "adult"), **HTMX).status_code == 403
    assert client.post(edit_url(leeds, "adult"), {"level": "available"}, **HTMX).status_code == 403
    assert client.post(reverse("capabilities:centre-confirm-all", args=[leeds.pk])).status_code == 403
    assert not CentreCapability.objects.exists()


def test_it_lets_the_programme_office_edit_any_centre(client_for, alice, leeds):
    response = client_for(alice).post(edit_url(leeds, "adult"), {"level": "available"}, **HTMX)
    assert response.status_code == 200
    assert CentreCapability.objects.filter(centre=leeds).exists()


def test_it_sends_anonymous_visitors_to_sign_in(client, leeds):
    response = client.post(edit_url(leeds, "adult"), {"level": "available"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not CentreCapability.objects.exists()


def test_it_answers_404_for_an_unknown_capability(client_for, bob, leeds):
    url = reverse("capabilities:level-edit", args=[leeds.pk, 99999])
    assert client_for(bob).get(url).status_code == 404


def test_it_removes_a_level_for_the_right_centre_only(client_for, bob, carol, leeds):
    CentreCapabilityFactory(centre=leeds, capability=cap("tumour.lung"))
    url = reverse("capabilities:level-remove", args=[leeds.pk, cap("tumour.lung").pk])
    assert client_for(carol).post(url).status_code == 403
    assert CentreCapability.objects.exists()
    assert client_for(bob).post(url).status_code == 302
    assert not CentreCapability.objects.exists()


def test_it_confirms_everything_current_in_one_action(client_for, bob, leeds, manchester):
    old = timezone.localdate() - datetime.timedelta(days=400)
    for code in ("adult", "tumour.lung", "unit.cover_24_7"):
        CentreCapabilityFactory(centre=leeds, capability=cap(code), confirmed_on=old)
    CentreCapabilityFactory(centre=manchester, capability=cap("adult"), confirmed_on=old)
    response = client_for(bob).post(reverse("capabilities:centre-confirm-all", args=[leeds.pk]), follow=True)
    assert "All 3 capabilities of Leeds ECMC confirmed" in response.content.decode()
    assert set(CentreCapability.objects.filter(centre=leeds).values_list("confirmed_on", flat=True)) == {
        timezone.localdate()
    }
    assert CentreCapability.objects.get(centre=manchester).confirmed_on == old


def test_it_refuses_confirm_all_by_get(client_for, bob, leeds):
    assert client_for(bob).get(reverse("capabilities:centre-confirm-all", args=[leeds.pk])).status_code == 405


def test_it_links_a_recorded_level_to_its_history(client_for, bob, leeds):
    level = CentreCapabilityFactory(centre=leeds)
    client = client_for(bob)
    content = client.get(reverse("capabilities:level-edit", args=[leeds.pk, level.capability_id])).content.decode()
    history = reverse("crm:history", args=["capabilities.centrecapability", level.pk])
    assert f'href="{history}"' in content
    assert client.get(history).status_code == 200
