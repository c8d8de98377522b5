"""Sponsor accounts: invited from their company's page, tied to it, MFA where the settings ask."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from crm import services
from crm.models import Role, User
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_it_invites_a_sponsor_from_the_organisation_page(client_for, alice, acme, django_capture_on_commit_callbacks):
    client = client_for(alice)
    page = client.get(reverse("engagements:organisation-detail", args=[acme.pk])).content.decode()
    assert "Invite a sponsor account" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("crm:sponsor-invite", args=[acme.pk]), {"email": "lead@acme.example", "first_name": "Lee"}
        )
    assert response.url.endswith("#sponsor-accounts")
    (email,) = mail.outbox
    assert "Acme Oncology" in email.body and "/invitation/" in email.body


def test_it_ties_the_accepted_account_to_its_company(alice, acme):
    _invitation, token = services.user_invite(
        actor=alice, email="lee@acme.example", role=Role.SPONSOR, organisation=acme
    )
    user = services.invitation_accept(
        token=token, username="lee", password="a-long-pass-phrase-2026", first_name="Lee", last_name="Ng"
    )
    assert (user.role, user.organisation) == (Role.SPONSOR, acme)
    assert user.history.first().organisation_id == acme.pk


def test_it_needs_a_company_for_a_sponsor_and_none_for_others(alice, acme):
    with pytest.raises(ValidationError) as refused:
        services.user_invite(actor=alice, email="x@acme.example", role=Role.SPONSOR)
    assert "organisation" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.user_invite(actor=alice, email="y@acme.example", role=Role.VIEWER, organisation=acme)
    assert "organisation" in refused.value.message_dict


def test_it_lets_only_the_office_invite_sponsors(client_for, victor, acme):
    response = client_for(victor).post(reverse("crm:sponsor-invite", args=[acme.pk]), {"email": "z@acme.example"})
    assert response.status_code == 403
    assert not User.objects.filter(email="z@acme.example").exists()


def test_it_shows_the_office_who_accepted_the_nda(client_for, alice, sam):
    from crm.services import nda_accept

    nda_accept(actor=sam)
    page = client_for(alice).get(reverse("engagements:organisation-detail", args=[sam.organisation_id])).content
    assert b"Network NDA accepted" in page and b"version 2026-1" in page


def test_it_hides_the_invite_form_from_viewers(client_for, victor, acme):
    page = client_for(victor).get(reverse("engagements:organisation-detail", args=[acme.pk])).content.decode()
    assert "Invite a sponsor account" not in page


def test_it_sends_a_sponsor_to_set_up_mfa_when_the_settings_require_it(client_for, sam, settings):
    settings.MFA_REQUIRED_ROLES = [Role.SPONSOR]
    response = client_for(sam).get(reverse("feasibility:sponsor-home"))
    assert response.status_code == 302 and "required=1" in response.url


def test_it_says_the_invitation_is_for_the_company(client_for, alice, sam):
    rival = OrganisationFactory(name="Rival Bio")
    services.user_invite(actor=alice, email="r@rival.example", role=Role.SPONSOR, organisation=rival)
    page = client_for(alice).get(reverse("crm:user-list")).content.decode()
    assert "Rival Bio" in page and "Acme Oncology" in page
