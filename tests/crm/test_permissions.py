"""crm/permissions.py: what each of alice, bob, carol and victor may see and do."""

import datetime

import pytest
from django.utils import timezone

from crm import permissions as access
from tests.factories import FeasibilityRequestFactory, InvitationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_it_shows_engagement_records_to_the_office_and_viewers_only(alice, bob, victor):
    org = OrganisationFactory()
    assert list(access.visible_organisations(alice)) == [org]
    assert list(access.visible_organisations(victor)) == [org]
    assert list(access.visible_organisations(bob)) == []
    assert access.can_write_engagements(alice)
    assert not access.can_write_engagements(victor)
    assert not access.can_write_engagements(bob)


def test_it_shows_centre_staff_only_requests_routed_to_their_centre(alice, bob, carol, victor, leeds, manchester):
    to_leeds = InvitationFactory(centre=leeds).request
    to_manchester = InvitationFactory(centre=manchester).request
    untouched = FeasibilityRequestFactory()
    assert set(access.visible_requests(bob)) == {to_leeds}
    assert set(access.visible_requests(carol)) == {to_manchester}
    assert set(access.visible_requests(alice)) == {to_leeds, to_manchester, untouched}
    assert set(access.visible_requests(victor)) == {to_leeds, to_manchester, untouched}
    assert not access.can_see_matches(bob)
    assert access.can_see_matches(victor)


def test_it_lets_only_the_invited_centre_answer_before_the_deadline(alice, bob, carol, victor, leeds):
    invitation = InvitationFactory(centre=leeds)
    assert access.can_answer(bob, invitation)
    assert not access.can_answer(carol, invitation)
    assert not access.can_answer(victor, invitation)
    late = timezone.localdate() + datetime.timedelta(days=30)
    assert "deadline" in access.answer_refusal(bob, invitation, today=late)
    assert access.can_answer(alice, invitation, today=late)
    invitation.request.status = "withdrawn"
    assert "withdrawn" in access.answer_refusal(bob, invitation)


def test_it_lets_centre_staff_edit_only_their_own_centre(alice, bob, leeds, manchester):
    assert access.can_edit_centre_capabilities(bob, leeds)
    assert not access.can_edit_centre_capabilities(bob, manchester)
    assert access.can_edit_centre_capabilities(alice, manchester)


def test_it_gives_anonymous_users_nothing(django_user_model):
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    FeasibilityRequestFactory()
    assert not access.visible_requests(anon).exists()
    assert not access.visible_centres(anon).exists()
    assert not access.is_signed_in(anon)
