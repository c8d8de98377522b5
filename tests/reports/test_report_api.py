"""GET /api/v1/reports/annual/{year}/: the report as JSON, or the PDF with ?format=pdf."""

import datetime

import pytest

from crm.models import ApiToken
from tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/annual/2025/"


def test_it_gives_the_report_as_json_to_the_programme_office_and_viewers(api, alice, victor):
    EngagementFactory(occurred_on=datetime.date(2025, 2, 3), kind="webinar")
    for user in (alice, victor):
        api.force_authenticate(user)
        response = api.get(URL)
        assert response.status_code == 200
        body = response.json()
        assert body["year"] == 2025
        assert body["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
        assert body["engagements"]["total"] == 1
        assert body["engagements"]["by_kind"]["webinar"] == 1
        assert body["engagements"]["by_month"] == [0, 1] + [0] * 10
        assert set(body["previous_year"]) >= {"engagements", "feasibility", "setup"}
        assert body["feasibility"]["with_interest_pct"] is None


def test_it_gives_the_financial_year(api, alice):
    api.force_authenticate(alice)
    body = api.get(URL + "?financial=1").json()
    assert body["period"] == {"start": "2025-04-01", "end": "2026-03-31"}
    assert body["previous_year"]["period"] == {"start": "2024-04-01", "end": "2025-03-31"}


def test_it_refuses_centre_staff_and_anonymous(api, bob):
    assert api.get(URL).status_code == 401
    assert api.get(URL + "?format=pdf").status_code == 401
    api.force_authenticate(bob)
    assert api.get(URL).status_code == 403
    response = api.get(URL + "?format=pdf")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")


def test_it_accepts_a_personal_token(api, victor):
    token = ApiToken(user=victor, name="script")
    key = ApiToken.new_key()
    token.set_key(key)
    token.save()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get(URL).status_code == 200


def test_it_gives_the_pdf(api, alice):
    api.force_authenticate(alice)
    response = api.get(URL + "?format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "draft" in response["Content-Disposition"]


def test_it_has_exactly_the_design_path(api, alice):
    api.force_authenticate(alice)
    assert api.get("/api/v1/reports/annual/25/").status_code == 404
    assert api.post(URL, {}).status_code in (403, 405)


def test_it_answers_404_for_a_year_out_of_range(api, alice):
    api.force_authenticate(alice)
    assert api.get("/api/v1/reports/annual/1999/").status_code == 404
    assert api.get(f"/api/v1/reports/annual/{datetime.date.today().year + 2}/").status_code == 404
