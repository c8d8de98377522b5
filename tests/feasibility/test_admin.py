"""The feasibility admin opens for a superuser."""

import pytest
from django.urls import reverse

from tests.factories import CentreResponseFactory, SiteSetUpFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["feasibilityrequest", "invitation", "centreresponse", "sponsorsummary", "sitesetup"])
def test_it_lists_and_opens_rows_in_the_admin(client, model):
    response = CentreResponseFactory()
    SiteSetUpFactory(request=response.invitation.request, centre=response.invitation.centre)
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get(reverse(f"admin:feasibility_{model}_changelist")).status_code == 200
