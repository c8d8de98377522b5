"""Two-factor authentication end to end: set up an authenticator app, then sign in with its code."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

pytestmark = pytest.mark.django_db


def code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_it_sets_up_totp_and_asks_for_a_code_at_the_next_sign_in(client, bob, password):
    client.post(reverse("account_login"), {"login": "bob", "password": password})
    # allauth asks for the password again before a security change.
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    if "reauthenticate" in page.request["PATH_INFO"]:
        page = client.post(
            page.request["PATH_INFO"] + "?next=" + reverse("mfa_activate_totp"), {"password": password}, follow=True
        )
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=bob, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=bob, type=Authenticator.Type.RECOVERY_CODES).exists()

    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"), {"login": "bob", "password": password})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": code(secret)})
    assert client.session["_auth_user_id"] == str(bob.pk)


@pytest.fixture
def mfa_required_for_centres(settings):
    settings.MFA_REQUIRED_ROLES = ["centre"]


def test_it_refuses_the_api_by_token_to_someone_who_must_set_up_mfa(api, bob, mfa_required_for_centres):
    from crm import services

    _, key = services.token_create(actor=bob, name="script")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    for response in (api.get("/api/v1/centres/"), api.post("/api/v1/organisations/", {"name": "X", "kind": "pharma"})):
        assert response.status_code == 403
        assert "two-factor" in response.json()["detail"]


def test_it_refuses_the_api_by_session_to_someone_who_must_set_up_mfa(client, bob, mfa_required_for_centres):
    client.force_login(bob)
    response = client.get("/api/v1/centres/")
    assert response.status_code == 403 and "two-factor" in response.json()["detail"]


def test_it_lets_the_api_in_once_mfa_is_set_up(api, bob, mfa_required_for_centres):
    from crm import services

    Authenticator.objects.create(user=bob, type=Authenticator.Type.TOTP, data={"secret": "x"})
    _, key = services.token_create(actor=bob, name="script")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/centres/").status_code == 200
