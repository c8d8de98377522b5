"""Account events leave a trace the Programme Office can read: sign-ins, failed sign-ins, passwords,
email addresses, two-factor methods, API tokens (crm/security_events.py)."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from crm import services
from crm.models import SecurityEvent, SecurityEventKind

pytestmark = pytest.mark.django_db
Kind = SecurityEventKind


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Sign-in rate limits live in the (per-process) test cache; earlier tests' failures must not count here."""
    from django.core.cache import cache

    cache.clear()


def kinds(user) -> list[str]:
    return list(SecurityEvent.objects.filter(user=user).order_by("at", "id").values_list("kind", flat=True))


def test_it_records_a_sign_in_and_a_failed_one_with_the_name_typed(client, alice, password):
    client.post(reverse("account_login"), {"login": "alice", "password": "wrong"})
    client.post(reverse("account_login"), {"login": "alice", "password": password})
    assert kinds(alice) == [Kind.SIGN_IN_FAILED, Kind.SIGNED_IN]
    failed = SecurityEvent.objects.get(kind=Kind.SIGN_IN_FAILED)
    assert failed.username == "alice" and failed.ip == "127.0.0.1"


def test_it_records_a_failed_sign_in_for_an_unknown_name_without_an_account(client):
    client.post(reverse("account_login"), {"login": "mallory", "password": "guess"})
    event = SecurityEvent.objects.get()
    assert event.kind == Kind.SIGN_IN_FAILED and event.user is None and event.username == "mallory"


def test_it_records_api_tokens_made_and_revoked(alice):
    token, _key = services.token_create(actor=alice, name="weekly export")
    services.token_revoke(actor=alice, token=token)
    assert kinds(alice) == [Kind.TOKEN_CREATED, Kind.TOKEN_REVOKED]
    assert "weekly export" in SecurityEvent.objects.filter(kind=Kind.TOKEN_REVOKED).get().detail


def test_it_records_two_factor_set_up(client, bob, password, django_capture_on_commit_callbacks):
    client.post(reverse("account_login"), {"login": "bob", "password": password})
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    if "reauthenticate" in page.request["PATH_INFO"]:
        page = client.post(
            page.request["PATH_INFO"] + "?next=" + reverse("mfa_activate_totp"), {"password": password}, follow=True
        )
    secret = page.context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("mfa_activate_totp"), {"code": format_hotp_value(hotp_value(secret, int(time.time()) // 30))}
        )
    assert Authenticator.objects.filter(user=bob).exists()
    assert Kind.MFA_ENABLED in kinds(bob)


def test_it_records_two_factor_removed(client, bob, password):
    from allauth.mfa import signals

    authenticator = Authenticator.objects.create(user=bob, type=Authenticator.Type.TOTP, data={})
    signals.authenticator_removed.send(sender=Authenticator, request=None, user=bob, authenticator=authenticator)
    event = SecurityEvent.objects.get(kind=Kind.MFA_DISABLED)
    assert event.user == bob and "TOTP" in event.detail


def test_it_records_a_password_change(client, alice, password):
    client.force_login(alice)
    page = client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": "a-brand-new-phrase", "password2": "a-brand-new-phrase"},
    )
    assert page.status_code == 302
    assert Kind.PASSWORD_CHANGED in kinds(alice)


def test_it_records_an_email_change(alice):
    from allauth.account import signals
    from allauth.account.models import EmailAddress

    old = EmailAddress(user=alice, email="alice@example.org")
    new = EmailAddress(user=alice, email="alice@newmail.example")
    signals.email_changed.send(
        sender=EmailAddress, request=None, user=alice, from_email_address=old, to_email_address=new
    )
    event = SecurityEvent.objects.get(kind=Kind.EMAIL_CHANGED)
    assert event.detail == "alice@example.org → alice@newmail.example"
