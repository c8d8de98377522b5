"""The annual report page, narrative, publishing, CSV and PDF downloads (crm/report_views.py)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from crm.models import ReportNarrative
from tests.factories import (
    CentreFactory,
    CentreResponseFactory,
    EngagementFactory,
    FeasibilityRequestFactory,
    InvitationFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def page(year=2025, **query):
    url = reverse("crm:annual-report", args=[year])
    return url + ("?financial=1" if query.get("financial") else "")


@pytest.fixture
def records():
    EngagementFactory(occurred_on=D(2025, 3, 4), kind="call")
    EngagementFactory(occurred_on=D(2024, 3, 4))
    request = FeasibilityRequestFactory(received_on=D(2025, 5, 1))
    CentreResponseFactory(invitation=InvitationFactory(request=request, centre=CentreFactory(code="leeds")))


def test_it_shows_the_report_with_the_year_before(client_for, alice, records):
    response = client_for(alice).get(page())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Industry Engagement Report 2025" in html
    assert 'data-figure="engagements"' in html
    assert "2024: 1" in html
    assert "data:image/svg+xml;base64," in html
    assert "<svg" not in html
    assert 'data-testid="narrative-form"' in html


def test_it_shows_a_financial_year(client_for, alice, records):
    response = client_for(alice).get(page(financial=True))
    html = response.content.decode()
    assert "Industry Engagement Report 2025/26" in html
    assert "1 Apr 2025 to 31 Mar 2026" in html
    assert response.context["report"]["period"] == {"start": "2025-04-01", "end": "2026-03-31"}


def test_it_redirects_to_the_last_complete_year(client_for, victor):
    response = client_for(victor).get(reverse("crm:annual-report-latest"))
    assert response.status_code == 302
    assert response.url.endswith(f"/reports/annual/{datetime.date.today().year - 1}/")


def test_it_lets_viewers_read_without_write_buttons(client_for, victor, records):
    html = client_for(victor).get(page()).content.decode()
    assert "Industry Engagement Report 2025" in html
    assert 'data-testid="narrative-form"' not in html
    assert 'data-testid="publish"' not in html


def test_it_refuses_centre_staff_and_sends_anonymous_to_sign_in(client, client_for, bob):
    for url in [
        page(),
        reverse("crm:annual-report-latest"),
        reverse("crm:annual-report-csv", args=[2025]) + "?table=headline",
        reverse("crm:annual-report-pdf", args=[2025]),
    ]:
        assert client.get(url).status_code == 302
        assert client_for(bob).get(url).status_code == 403
        client.logout()


def test_it_refuses_writes_from_viewers(client_for, victor):
    c = client_for(victor)
    assert c.post(reverse("crm:annual-report-narrative", args=[2025]), {"summary": "x"}).status_code == 403
    assert c.post(reverse("crm:annual-report-publish", args=[2025])).status_code == 403
    assert not ReportNarrative.objects.exists()


def test_it_saves_the_narrative_and_keeps_its_history(client_for, alice):
    c = client_for(alice)
    url = reverse("crm:annual-report-narrative", args=[2025])
    c.post(
        url,
        {"summary": "A strong year.", "highlights": "- First radioligand trial\n- 70 opportunities", "plans": "More."},
    )
    c.post(url, {"summary": "A very strong year.", "highlights": "- First radioligand trial", "plans": "More."})
    narrative = ReportNarrative.objects.get(year=2025, financial_year=False)
    assert narrative.summary == "A very strong year."
    assert narrative.history.count() == 2
    html = c.get(page()).content.decode()
    assert "<li>First radioligand trial</li>" in html
    assert 'data-testid="narrative-history"' in html


def test_it_downloads_every_table_as_csv(client_for, alice, records):
    c = client_for(alice)
    tables = c.get(page()).context["tables"]
    for name in tables:
        response = c.get(reverse("crm:annual-report-csv", args=[2025]) + f"?table={name}")
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"] == f'attachment; filename="report-2025-{name}.csv"'
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == tables[name]["headers"]
    kinds = list(
        csv.reader(
            io.StringIO(
                c.get(reverse("crm:annual-report-csv", args=[2025]) + "?table=engagements_by_kind").content.decode()
            )
        )
    )
    assert ["Call", "1", "0"] in kinds
    assert c.get(reverse("crm:annual-report-csv", args=[2025]) + "?table=nope").status_code == 404


def test_it_refuses_years_out_of_range(client_for, alice):
    assert client_for(alice).get(page(1999)).status_code == 404


def _many(n):
    centre = CentreFactory()
    for i in range(n):
        day = D(2025, 1 + i % 12, 1 + i % 28)
        EngagementFactory(occurred_on=day)
        request = FeasibilityRequestFactory(received_on=day)
        CentreResponseFactory(invitation=InvitationFactory(request=request, centre=centre))


@pytest.mark.parametrize("rows", [3, 30])
def test_it_shows_the_page_in_a_constant_number_of_queries(rows, client_for, alice, django_assert_max_num_queries):
    _many(rows)
    c = client_for(alice)
    # First load: the session, user and narrative 3, the records' version 1, and the report 29 (its own
    # version check, 13 a period, the history and the plans).
    with django_assert_max_num_queries(33):
        assert c.get(page()).status_code == 200
    # Until a record changes, the figures, charts and tables come from the cache (in memory in tests).
    with django_assert_max_num_queries(4):
        assert c.get(page()).status_code == 200


def test_it_sets_number_columns_right_and_words_left():
    from crm.reports import laid_out

    table = laid_out(
        {
            "title": "Site set-up",
            "headers": ["Request", "Centre", "Days to open", "Days overall"],
            "rows": [["FR-1", "Leeds ECMC", 12, None], ["FR-2", "Manchester ECMC", 40.5, None]],
        },
        ["/requests/1/"],
    )
    assert [c["numeric"] for c in table["columns"]] == [False, False, True, True]
    assert table["body"][0]["link"] == "/requests/1/" and table["body"][1]["link"] == ""
    assert [(c["value"], c["numeric"]) for c in table["body"][1]["cells"]] == [
        ("Manchester ECMC", False),
        (40.5, True),
        (None, True),
    ]


def test_it_draws_number_columns_right_on_the_page(client_for, alice, records):
    html = client_for(alice).get(page()).content.decode()
    assert '<th scope="col" class="text-end">2025</th>' in html
    assert '<td class="text-end">1</td>' in html


def test_it_links_the_narrative_to_its_full_history_for_readers_only(client_for, alice, victor, bob):
    c = client_for(alice)
    url = reverse("crm:annual-report-narrative", args=[2025])
    c.post(url, {"summary": "A strong year.", "highlights": ""})
    c.post(url, {"summary": "A very strong year.", "highlights": ""})
    narrative = ReportNarrative.objects.get()
    history = reverse("crm:history", args=["crm.reportnarrative", narrative.pk])
    assert f'href="{history}"' in c.get(page()).content.decode()
    response = c.get(history)
    assert response.status_code == 200
    assert "A strong year." in response.content.decode() and "A very strong year." in response.content.decode()
    assert client_for(victor).get(history).status_code == 200
    assert client_for(bob).get(history).status_code == 404


def test_it_writes_dates_as_the_rest_of_the_app(client_for, alice):
    from tests.factories import EventFactory

    event = EventFactory(starts_on=D(2025, 2, 12), name="ESMO Targeted Anticancer Therapies")
    EngagementFactory(occurred_on=D(2025, 2, 12), event=event)
    html = client_for(alice).get(page()).content.decode()
    assert "12 Feb 2025" in html and "2025-02-12" not in html
    assert "1 Jan 2025 to 31 Dec 2025" in html


def test_it_says_why_a_figure_is_empty(client_for, alice):
    html = client_for(alice).get(page(2019)).content.decode()
    assert "“–”: no opportunity was circulated to centres in 2019" in html
    assert "“–”: no commercial study&#x27;s site opened in 2019" in html


def test_it_keeps_dates_machine_readable_in_the_csv(client_for, alice):
    from tests.factories import EventFactory

    event = EventFactory(starts_on=D(2025, 2, 12))
    EngagementFactory(occurred_on=D(2025, 2, 12), event=event)
    response = client_for(alice).get(reverse("crm:annual-report-csv", args=[2025]) + "?table=events")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][2] == "2025-02-12"
