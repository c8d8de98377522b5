"""Sign-in throttling: five wrong passwords lock the account against the address that tried them, whether
the username or the email was typed, and cannot be used to lock the owner out from elsewhere."""

import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    cache.clear()
    yield
    cache.clear()


def sign_in(client, login, password, address):
    client.logout()
    client.post(reverse("account_login"), {"login": login, "password": password}, HTTP_X_REAL_IP=address)
    return "_auth_user_id" in client.session


def test_it_locks_the_account_after_five_wrong_passwords_typed_by_username_or_email(client, alice, password):
    for login in ("alice", "alice@example.org", "ALICE", "alice", "Alice@Example.org"):
        assert not sign_in(client, login, "wrong", ATTACKER)
    assert not sign_in(client, "alice", password, ATTACKER)
    assert not sign_in(client, "alice@example.org", password, ATTACKER)


def test_it_lets_the_owner_sign_in_from_an_address_that_has_not_failed(client, alice, password):
    for _ in range(6):
        sign_in(client, "alice", "wrong", ATTACKER)
    assert sign_in(client, "alice@example.org", password, OWNER)


def test_it_still_stops_a_guess_from_a_new_address_once_it_fails(client, alice, password):
    for _ in range(5):
        sign_in(client, "alice", "wrong", ATTACKER)
    assert not sign_in(client, "alice", "wrong-again", OWNER)
    assert not sign_in(client, "alice", password, OWNER)


def test_it_limits_an_address_that_tries_many_accounts(client, alice, bob, victor, password):
    for attempt in range(10):
        sign_in(client, ("bob", "victor", "nobody")[attempt % 3], "wrong", ATTACKER)
    assert not sign_in(client, "alice", password, ATTACKER)
    assert sign_in(client, "alice", password, OWNER)
