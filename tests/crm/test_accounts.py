"""Sign-in, invitations, MFA-required redirect, no open sign-up."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from crm import services
from crm.models import Role, User, UserInvitation

pytestmark = pytest.mark.django_db


def test_it_signs_in_by_username_and_by_email(client, alice, password):
    for login in ("alice", "alice@example.org", "ALICE@example.org"):
        client.logout()
        response = client.post(reverse("account_login"), {"login": login, "password": password})
        assert response.status_code == 302, login
        assert response["Location"] == reverse("crm:home")


def test_it_refuses_a_wrong_password_and_says_so(client, alice):
    response = client.post(reverse("account_login"), {"login": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_it_has_no_open_sign_up(client):
    response = client.get(reverse("account_signup"))
    assert "Sign Up Closed" in response.content.decode() or response.status_code != 200
    client.post(
        reverse("account_signup"),
        {"email": "x@example.org", "username": "x", "password1": "Abcdefgh12!x", "password2": "Abcdefgh12!x"},
    )
    assert not User.objects.filter(username="x").exists()


def test_it_sends_anonymous_users_to_sign_in(client):
    response = client.get(reverse("crm:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_invites_centre_staff_who_then_set_a_password(client, alice, leeds, django_capture_on_commit_callbacks):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("crm:user-list"),
            {
                "email": "newbie@leeds.example",
                "first_name": "Nia",
                "last_name": "Ward",
                "role": Role.CENTRE,
                "centres": [leeds.pk],
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = re.search(r"http://\S+/invitation/(\S+)/", body)
    assert link, body
    client.logout()
    accept = reverse("crm:invitation-accept", args=[link.group(1)])
    assert client.get(accept).status_code == 200
    response = client.post(
        accept,
        {
            "first_name": "Nia",
            "last_name": "Ward",
            "username": "nia",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302
    nia = User.objects.get(username="nia")
    assert nia.role == Role.CENTRE
    assert list(nia.centres.all()) == [leeds]
    assert nia.email == "newbie@leeds.example"
    # The link works once.
    client.logout()
    assert client.get(accept).status_code == 404


def test_it_keeps_input_and_explains_a_weak_password(client, alice):
    _, token = services.user_invite(actor=alice, email="x@example.org", role=Role.VIEWER)
    response = client.post(
        reverse("crm:invitation-accept", args=[token]),
        {"first_name": "Xi", "last_name": "Lo", "username": "xi", "password1": "short", "password2": "short"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "too short" in html
    assert 'value="Xi"' in html
    assert not User.objects.filter(username="xi").exists()


def test_it_refuses_invitations_from_anyone_but_the_programme_office(client, bob, victor):
    for user in (bob, victor):
        client.force_login(user)
        response = client.post(reverse("crm:user-list"), {"email": "y@example.org", "role": Role.VIEWER})
        assert response.status_code == 403
    assert not UserInvitation.objects.exists()


def test_it_requires_a_centre_for_centre_staff(client, alice):
    client.force_login(alice)
    response = client.post(reverse("crm:user-list"), {"email": "z@example.org", "role": Role.CENTRE})
    assert response.status_code == 200
    assert "at least one centre" in response.content.decode()
    assert not UserInvitation.objects.exists()


def test_it_sends_users_of_an_mfa_role_to_set_it_up_first(client, alice, victor, settings, password):
    settings.MFA_REQUIRED_ROLES = [Role.PROGRAMME_OFFICE]
    client.post(reverse("account_login"), {"login": "alice", "password": password})
    response = client.get(reverse("crm:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # Setting it up stays reachable (allauth asks for the password once more first).
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    assert page.status_code == 200
    assert page.request["PATH_INFO"].startswith("/accounts/")
    # Once set up, the user goes where they asked.
    Authenticator.objects.create(user=alice, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.get(reverse("crm:home")).status_code == 200
    # Roles not named are not held up.
    client.force_login(victor)
    assert client.get(reverse("crm:home")).status_code == 200


def test_it_lets_everyone_set_up_mfa_from_the_profile(client, bob):
    client.force_login(bob)
    html = client.get(reverse("crm:profile")).content.decode()
    assert reverse("mfa_activate_totp") in html


def test_it_routes_the_admin_login_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_resets_a_forgotten_password_by_email(client, alice):
    response = client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    form_page = client.get(path, follow=True)
    action = form_page.request["PATH_INFO"]
    response = client.post(action, {"password1": "a-brand-new-phrase", "password2": "a-brand-new-phrase"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-brand-new-phrase")


def test_it_rate_limits_repeated_failed_sign_ins(client, alice, password):
    for _ in range(6):
        client.post(reverse("account_login"), {"login": "alice", "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": "alice", "password": password})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_it_switches_a_persons_access_off_and_revokes_their_tokens(client, alice, bob, password):
    services.token_create(actor=bob, name="script")
    client.force_login(alice)
    client.post(reverse("crm:user-set-active", args=[bob.pk]), {"active": "0"})
    bob.refresh_from_db()
    assert not bob.is_active
    assert not bob.api_tokens.active().exists()
    client.logout()
    client.post(reverse("account_login"), {"login": "bob", "password": password})
    assert "_auth_user_id" not in client.session


def test_it_does_not_let_the_office_lock_itself_out_or_others_switch_access(client, alice, bob, victor):
    client.force_login(alice)
    client.post(reverse("crm:user-set-active", args=[alice.pk]), {"active": "0"})
    alice.refresh_from_db()
    assert alice.is_active
    client.force_login(victor)
    assert client.post(reverse("crm:user-set-active", args=[bob.pk]), {"active": "0"}).status_code == 403
