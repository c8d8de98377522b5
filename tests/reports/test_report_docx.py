"""The report as a Word document: python-docx reads it back with the page's headline figures, tables and words."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document

from crm import reports, services
from crm.report_docx import build_docx
from tests.factories import (
    CentreFactory,
    CentreResponseFactory,
    EngagementFactory,
    FeasibilityRequestFactory,
    InvitationFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def records():
    for day in (D(2025, 1, 10), D(2025, 2, 11), D(2025, 2, 12)):
        EngagementFactory(occurred_on=day)
    EngagementFactory(occurred_on=D(2024, 6, 1))
    request = FeasibilityRequestFactory(received_on=D(2025, 3, 1))
    CentreResponseFactory(invitation=InvitationFactory(request=request, centre=CentreFactory(name="Leeds ECMC")))


def read(data: bytes):
    return Document(io.BytesIO(data))


def text_of(document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def headline_rows(document) -> dict[str, list[str]]:
    table = document.tables[0]
    return {row.cells[0].text: [cell.text for cell in row.cells[1:]] for row in table.rows[1:]}


def test_it_holds_the_headline_figures_with_the_year_before(records):
    document = read(build_docx(2025))
    rows = headline_rows(document)
    assert [c.text for c in document.tables[0].rows[0].cells] == ["Figure", "2025", "2024", "Change"]
    assert rows["Engagements"] == ["3", "1", "2"]
    assert rows["Opportunities received"] == ["1", "0", "1"]
    assert rows["Share with interest"][0] == "100%"
    for h in reports.headline_figures(reports.annual_report(2025)):
        assert h["label"] in rows


def test_it_holds_every_table_chapter_and_chart(records):
    document = read(build_docx(2025))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "1. Summary and headline figures" in headings and "2. Highlights" in headings
    for chapter in reports.chapters(reports.annual_report(2025)):
        assert any(h.endswith(chapter["title"]) for h in headings)
    for name, table in reports.report_tables(reports.annual_report(2025)).items():
        if name not in ("headline", "plans"):  # the headline table opens the summary; plans only when any
            assert table["title"] in headings
    assert "Leeds ECMC" in text_of(document)
    charts = sum(len(chapter["charts"]) for chapter in reports.chapters(reports.annual_report(2025)))
    assert len(document.inline_shapes) == charts


def test_it_holds_the_narrative(records, alice):
    narrative = services.report_narrative_save(
        actor=alice,
        year=2025,
        summary="A year of steady growth.",
        highlights="- First radioligand study placed",
        plans="Open two paediatric studies.",
    )
    text = text_of(read(build_docx(2025, narrative=narrative)))
    assert "A year of steady growth." in text
    assert "First radioligand study placed" in text
    assert "Open two paediatric studies." in text


def test_it_says_why_a_figure_is_empty():
    text = text_of(read(build_docx(2019)))
    assert "Share with interest: no opportunity was circulated to centres in 2019." in text
    assert "Nothing recorded in this period." in text


def test_it_downloads_from_the_report_page(client, alice, records):
    client.force_login(alice)
    page = client.get(reverse("crm:annual-report", args=[2025]))
    url = reverse("crm:annual-report-docx", args=[2025])
    assert url.encode() in page.content
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert 'filename="industry-engagement-report-2025.docx"' in response["Content-Disposition"]
    assert headline_rows(read(response.content))["Engagements"][0] == "3"


def test_it_gives_the_financial_year(client, victor):
    client.force_login(victor)
    response = client.get(reverse("crm:annual-report-docx", args=[2025]) + "?financial=1")
    assert response.status_code == 200
    assert "industry-engagement-report-2025-26.docx" in response["Content-Disposition"]
    assert [c.text for c in read(response.content).tables[0].rows[0].cells][1:3] == ["2025/26", "2024/25"]


def test_it_refuses_centre_staff_and_strangers(client, bob):
    url = reverse("crm:annual-report-docx", args=[2025])
    assert client.get(url).status_code == 302
    client.force_login(bob)
    assert client.get(url).status_code == 403
    client.force_login(bob)
    assert client.get(reverse("crm:annual-report-docx", args=[1990])).status_code in (403, 404)
