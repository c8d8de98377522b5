"""The centre directory, a centre's profile page and "my centre"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from capabilities.models import Capability
from tests.factories import CentreCapabilityFactory, CentreFactory, UserFactory

pytestmark = pytest.mark.django_db


def cap(code):
    return Capability.objects.get(code=code)


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def test_it_sends_anonymous_visitors_to_sign_in(client, leeds):
    for url in [reverse("capabilities:centre-list"), reverse("capabilities:centre-detail", args=[leeds.pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_it_lists_every_active_centre_with_headline_capabilities(client_for, victor, leeds, manchester):
    CentreCapabilityFactory(centre=leeds, capability=cap("adult"))
    CentreCapabilityFactory(centre=leeds, capability=cap("radiopharmaceutical"), level="limited")
    CentreFactory(name="Closed ECMC", code="closed", active=False)
    response = client_for(victor).get(reverse("capabilities:centre-list"))
    html = response.content.decode()
    assert "Leeds ECMC" in html and "Manchester ECMC" in html
    assert "Closed ECMC" not in html
    assert "Radiopharmaceutical trials (limited)" in html
    assert "Add a centre" not in html
    assert "Closed ECMC" in client_for(victor).get(reverse("capabilities:centre-list") + "?inactive=1").content.decode()


def test_it_flags_stale_and_expiring_centres_in_the_directory(client_for, bob, leeds):
    CentreCapabilityFactory(centre=leeds, capability=cap("adult"), confirmed_on=days_ago(400))
    CentreCapabilityFactory(
        centre=leeds, capability=cap("haem.jacie"), expires_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    html = client_for(bob).get(reverse("capabilities:centre-list")).content.decode()
    assert "1 stale" in html
    assert "1 expiring" in html


def test_it_shows_the_programme_office_the_add_centre_button(client_for, alice, leeds):
    assert "Add a centre" in client_for(alice).get(reverse("capabilities:centre-list")).content.decode()


def test_it_says_what_to_do_when_there_are_no_centres(client_for, alice):
    html = client_for(alice).get(reverse("capabilities:centre-list")).content.decode()
    assert "No centres yet" in html


def test_it_lists_the_directory_in_constant_queries(client_for, victor, django_assert_max_num_queries):
    def make(n):
        for _ in range(n):
            centre = CentreFactory()
            for code in ("adult", "haematology", "tumour.lung"):
                CentreCapabilityFactory(centre=centre, capability=cap(code))

    client = client_for(victor)
    make(3)
    client.get(reverse("capabilities:centre-list"))  # warm the session and caches
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("capabilities:centre-list"))
    make(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("capabilities:centre-list"))


def test_it_groups_a_profile_by_area_with_flags_and_history(client_for, victor, bob, leeds):
    from capabilities import services

    services.centre_capability_set(actor=bob, centre=leeds, capability=cap("unit.beds"), level="available", quantity=6)
    services.centre_capability_set(actor=bob, centre=leeds, capability=cap("unit.beds"), level="available", quantity=8)
    CentreCapabilityFactory(centre=leeds, capability=cap("adult"), confirmed_on=days_ago(500))
    CentreCapabilityFactory(
        centre=leeds, capability=cap("radio.arsac_licence"), expires_on=timezone.localdate() + datetime.timedelta(10)
    )
    response = client_for(victor).get(reverse("capabilities:centre-detail", args=[leeds.pk]))
    html = response.content.decode()
    assert "Phase I unit" in html and "Populations and networks" in html
    assert "8 beds" in html
    assert 'data-flag="stale"' in html
    assert 'data-flag="expiring"' in html
    assert "quantity: 6 → 8" in html
    assert "Tumour types" not in html  # a reader sees only what is recorded
    assert "Confirm everything current" not in html
    assert "hx-get" not in html


def test_it_gives_the_centres_own_staff_the_edit_table(client_for, bob, leeds):
    CentreCapabilityFactory(centre=leeds, capability=cap("adult"))
    html = client_for(bob).get(reverse("capabilities:centre-detail", args=[leeds.pk])).content.decode()
    assert "Confirm everything current" in html
    assert "Tumour types" in html  # every capability of the taxonomy, to add what is missing
    assert reverse("capabilities:level-edit", args=[leeds.pk, cap("adult").pk]) in html


def test_it_hides_the_edit_table_from_another_centres_staff(client_for, carol, leeds):
    CentreCapabilityFactory(centre=leeds, capability=cap("adult"))
    html = client_for(carol).get(reverse("capabilities:centre-detail", args=[leeds.pk])).content.decode()
    assert "Confirm everything current" not in html
    assert reverse("capabilities:level-edit", args=[leeds.pk, cap("adult").pk]) not in html


def test_it_answers_404_for_a_centre_that_does_not_exist(client_for, bob):
    assert client_for(bob).get(reverse("capabilities:centre-detail", args=[9999])).status_code == 404


def test_it_sends_centre_staff_to_their_own_centre(client_for, bob, leeds):
    response = client_for(bob).get(reverse("capabilities:my-centre"))
    assert response.status_code == 302
    assert response["Location"] == reverse("capabilities:centre-detail", args=[leeds.pk])


def test_it_lets_staff_of_several_centres_choose(client_for, bob, leeds, manchester):
    manchester.members.add(bob)
    html = client_for(bob).get(reverse("capabilities:my-centre")).content.decode()
    assert "Leeds ECMC" in html and "Manchester ECMC" in html


def test_it_tells_staff_without_a_centre_whom_to_ask(client_for, db):
    from crm.models import Role

    nina = UserFactory(username="nina", role=Role.CENTRE)
    html = client_for(nina).get(reverse("capabilities:my-centre")).content.decode()
    assert "not a member of any centre" in html


@pytest.mark.parametrize("user_name", ["alice", "victor"])
def test_it_sends_everyone_else_to_the_directory(client_for, request, user_name):
    response = client_for(request.getfixturevalue(user_name)).get(reverse("capabilities:my-centre"))
    assert response["Location"] == reverse("capabilities:centre-list")


def test_it_lets_the_programme_office_add_and_edit_centres(client_for, alice, bob, leeds):
    assert client_for(bob).get(reverse("capabilities:centre-create")).status_code == 403
    client = client_for(alice)
    response = client.post(
        reverse("capabilities:centre-create"),
        {"name": "Exeter ECMC", "code": "exeter", "nation": "england", "city": "Exeter", "active": "on"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("capabilities:centre-edit", args=[leeds.pk]),
        {"name": "Exeter ECMC", "code": "leeds", "nation": "england", "city": "Leeds", "active": "on"},
    )
    assert response.status_code == 200  # the name is taken: the form says so and keeps the input
    assert "already exists" in response.content.decode()
    leeds.refresh_from_db()
    assert leeds.name == "Leeds ECMC"


def test_it_links_a_centre_to_its_scorecard_and_history_for_those_who_may_read_them(
    client_for, bob, victor, leeds, manchester
):
    history = reverse("crm:history", args=["capabilities.centre", leeds.pk])
    scorecard = reverse("feasibility:scorecard", args=[leeds.pk])
    for user in (bob, victor):
        content = client_for(user).get(reverse("capabilities:centre-detail", args=[leeds.pk])).content.decode()
        assert f'href="{history}"' in content and f'href="{scorecard}"' in content
    # Bob reads the directory entry of Manchester, but not its history or scorecard.
    content = client_for(bob).get(reverse("capabilities:centre-detail", args=[manchester.pk])).content.decode()
    assert reverse("crm:history", args=["capabilities.centre", manchester.pk]) not in content
    assert reverse("feasibility:scorecard", args=[manchester.pk]) not in content
