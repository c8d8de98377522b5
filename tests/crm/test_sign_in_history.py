"""A sign-in stamps last_login without writing an empty change into the user's history (the audit log
already shows the sign-in as an account event)."""

from django.urls import reverse


def test_it_signs_in_without_an_empty_history_row(client, bob):
    bob.set_password("a-long-test-password-1")
    bob.save()
    before = bob.history.count()
    response = client.post(reverse("account_login"), {"login": bob.username, "password": "a-long-test-password-1"})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.last_login is not None
    assert bob.history.count() == before
