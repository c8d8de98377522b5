"""Every record's history: who changed what, when; only for those who may see the record."""

import pytest
from django.urls import reverse

from tests.factories import CentreFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_it_shows_who_changed_which_field_from_what_to_what(client, alice, victor):
    org = OrganisationFactory(name="Helix Bio")
    org._history_user = alice
    org.status = "partner"
    org.save()
    client.force_login(victor)
    response = client.get(reverse("crm:history", args=["engagements.organisation", org.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Changed" in html and str(alice) in html
    assert "Prospect" in html and "Partner" in html


def test_it_hides_records_the_user_may_not_see(client, bob, manchester, leeds):
    org = OrganisationFactory()
    client.force_login(bob)
    assert client.get(reverse("crm:history", args=["engagements.organisation", org.pk])).status_code == 404
    assert client.get(reverse("crm:history", args=["capabilities.centre", manchester.pk])).status_code == 404
    assert client.get(reverse("crm:history", args=["capabilities.centre", leeds.pk])).status_code == 200


def test_it_answers_404_for_a_model_without_history(client, alice):
    client.force_login(alice)
    assert client.get(reverse("crm:history", args=["crm.apitoken", 1])).status_code == 404


def test_it_sends_anonymous_users_to_sign_in(client):
    centre = CentreFactory()
    response = client.get(reverse("crm:history", args=["capabilities.centre", centre.pk]))
    assert response.status_code == 302


def test_it_keeps_the_history_of_what_was_sent_to_the_sponsor_to_the_office_and_viewers(client, victor, bob, leeds):
    from feasibility.models import SponsorSummary
    from tests.factories import InvitationFactory

    invitation = InvitationFactory(centre=leeds)
    summary = SponsorSummary.objects.create(request=invitation.request, sent_to="sponsor@helix.example")
    url = reverse("crm:history", args=["feasibility.sponsorsummary", summary.pk])
    client.force_login(victor)
    assert client.get(url).status_code == 200
    client.force_login(bob)
    assert client.get(url).status_code == 404
