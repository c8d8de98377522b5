"""Each role sees its own navigation and dashboard."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def nav_of(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("crm:home"))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('data-testid="main-nav"') : html.index("</nav>")], html


def test_it_shows_the_programme_office_its_admin(client, alice):
    nav, html = nav_of(client, alice)
    assert "Users and invitations" in nav
    assert 'data-testid="dashboard-programme-office"' in html


def test_it_shows_centre_staff_their_centre_and_no_admin(client, bob):
    nav, html = nav_of(client, bob)
    assert "Users and invitations" not in nav
    assert 'data-testid="dashboard-centre"' in html
    assert "Leeds ECMC" in html


def test_it_shows_viewers_no_admin(client, victor):
    nav, html = nav_of(client, victor)
    assert "Users and invitations" not in nav
    assert 'data-testid="dashboard-viewer"' in html


def test_it_serves_a_strict_content_security_policy(client, alice):
    client.force_login(alice)
    csp = client.get(reverse("crm:home"))["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_it_answers_the_health_check_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
