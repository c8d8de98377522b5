"""Personal API tokens: made and revoked on the profile page, used as Bearer tokens."""

import pytest
from django.urls import reverse

from crm import services
from crm.models import ApiToken

pytestmark = pytest.mark.django_db


def test_it_shows_a_new_token_once_and_keeps_only_its_hash(client, alice):
    client.force_login(alice)
    response = client.post(reverse("crm:token-create"), {"name": "export script"})
    assert response.status_code == 200
    key = response.context["key"]
    assert key.startswith("epoch_") and key in response.content.decode()
    token = ApiToken.objects.get(user=alice)
    assert key not in (token.key_hash, token.key_hint)
    assert key not in client.get(reverse("crm:profile")).content.decode()


def test_it_authenticates_the_api_with_a_token(api, alice):
    _, key = services.token_create(actor=alice, name="script")
    assert api.get("/api/v1/").status_code in (401, 403)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/").status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


def test_it_refuses_a_revoked_or_wrong_token(client, api, alice):
    token, key = services.token_create(actor=alice, name="script")
    client.force_login(alice)
    client.post(reverse("crm:token-revoke", args=[token.pk]))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION="Bearer epoch_made-up")
    assert api.get("/api/v1/").status_code == 401


def test_it_does_not_let_one_user_revoke_anothers_token(client, alice, victor):
    token, _ = services.token_create(actor=alice, name="script")
    client.force_login(victor)
    assert client.post(reverse("crm:token-revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.active().count() == 1


def test_it_refuses_a_token_without_a_name(client, alice):
    client.force_login(alice)
    response = client.post(reverse("crm:token-create"), {"name": " "}, follow=True)
    assert not ApiToken.objects.exists()
    assert response.status_code == 200


def test_it_keeps_the_schema_and_docs_behind_sign_in(client, alice):
    assert client.get("/api/schema/").status_code in (401, 403)
    client.force_login(alice)
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # Served under the 'self'-only CSP: no inline scripts or styles, the start-up script is a file.
    html = docs.content.decode()
    assert "<script>" not in html and "<style>" not in html
    assert client.get("/api/docs/?script").status_code == 200


def test_it_revokes_every_token_when_the_password_is_changed(client, api, alice, password):
    _, key = services.token_create(actor=alice, name="script")
    client.force_login(alice)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": "a-new-Passw0rd-2026", "password2": "a-new-Passw0rd-2026"},
    )
    assert response.status_code == 302
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/").status_code == 401
    assert not alice.api_tokens.active().exists()


def test_it_revokes_every_token_when_the_password_is_reset(client, api, alice, mailoutbox):
    import re

    _, key = services.token_create(actor=alice, name="script")
    client.post(reverse("account_reset_password"), {"email": alice.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mailoutbox[-1].body).group(1)
    form = client.get(link, follow=True)
    response = client.post(
        form.request["PATH_INFO"], {"password1": "a-new-Passw0rd-2026", "password2": "a-new-Passw0rd-2026"}
    )
    assert response.status_code == 302
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/").status_code == 401


def test_a_password_changed_in_the_django_admin_revokes_the_users_tokens(client, api, alice):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    _, key = services.token_create(actor=alice, name="script")
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[alice.pk]),
        {"password1": "a-new-Passw0rd-2026", "password2": "a-new-Passw0rd-2026", "usable_password": "true"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-new-Passw0rd-2026")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/").status_code == 401
    assert not alice.api_tokens.active().exists()


def test_a_password_set_in_code_revokes_tokens_and_any_other_save_keeps_them(alice):
    services.token_create(actor=alice, name="script")
    alice.first_name = "Alicia"
    alice.save()  # an edit that leaves the password alone (like a login rehashing it) revokes nothing
    assert alice.api_tokens.active().count() == 1
    alice.set_password("a-new-Passw0rd-2026")  # as `manage.py changepassword` and the shell do
    alice.save()
    assert not alice.api_tokens.active().exists()
