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


def test_it_shows_many_to_many_changes_as_names_added_and_removed(client, alice):
    from tests.factories import CapabilityFactory, FeasibilityRequestFactory

    breast = CapabilityFactory(name="Breast cancer", is_tumour_type=True)
    lung = CapabilityFactory(name="Lung cancer", is_tumour_type=True)
    request = FeasibilityRequestFactory()
    request.tumour_types.set([lung])
    request._history_user = alice
    request.tumour_types.set([breast])
    client.force_login(alice)
    html = client.get(reverse("crm:history", args=["feasibility.feasibilityrequest", request.pk])).content.decode()
    assert "+&nbsp;Breast cancer" in html
    assert "−&nbsp;Lung cancer" in html
    assert "Tumour types" in html
    assert f"→ {breast.pk}" not in html and "— → " not in html.split("Tumour types")[1][:200]


def test_history_entries_describe_set_changes_in_words():
    from crm.history import Change

    assert Change("Tumour types", added=["Breast"], removed=["Lung"]).text == "+ Breast, − Lung"
    assert Change("Status", "Prospect", "Partner").text == "Prospect → Partner"


def test_the_history_page_reads_in_bounded_queries(client, alice, django_assert_max_num_queries):
    from tests.factories import CapabilityFactory, FeasibilityRequestFactory

    request = FeasibilityRequestFactory()
    for _ in range(15):
        request.tumour_types.add(CapabilityFactory(is_tumour_type=True))
    client.force_login(alice)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("crm:history", args=["feasibility.feasibilityrequest", request.pk]))
    assert response.status_code == 200
