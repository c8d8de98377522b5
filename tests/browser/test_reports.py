"""The Programme Office writes the annual report's narrative and publishes it, in a real browser."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_it_writes_the_narrative_and_publishes_the_report(page, sign_in, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    last_year = datetime.date.today().year - 1
    EngagementFactory(occurred_on=datetime.date(last_year, 6, 1))
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(alice)
    page.get_by_test_id("main-nav").get_by_role("link", name="Annual report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Industry Engagement Report {last_year}")
    expect(page.locator('[data-figure="engagements"]')).to_contain_text("1")
    charts = page.locator("img.report-chart")
    expect(charts).to_have_count(8)
    assert all(charts.nth(i).evaluate("img => img.naturalWidth > 0") for i in range(8))

    page.get_by_text("Edit the narrative").click()
    page.get_by_role("textbox", name="Summary").fill("A year of steady growth.")
    page.get_by_role("textbox", name="Highlights").fill("- First radioligand study placed")
    page.get_by_role("button", name="Save narrative").click()
    expect(page.locator(".report-narrative")).to_contain_text("First radioligand study placed")

    page.get_by_test_id("publish").click()  # the data-confirm question is accepted by the fixture
    expect(page.get_by_test_id("published")).to_be_visible()
    expect(page.get_by_test_id("narrative-form")).to_have_count(0)
    assert not [e for e in errors if "Content Security Policy" in e]


def test_it_follows_a_figure_to_the_records_behind_it(page, sign_in, alice):
    last_year = datetime.date.today().year - 1
    EngagementFactory(occurred_on=datetime.date(last_year, 6, 1), subject="Counted call with Astrelis")
    EngagementFactory(occurred_on=datetime.date(last_year - 1, 6, 1), subject="Call the year before")
    sign_in(alice)
    page.goto(f"/reports/annual/{last_year}/")
    page.locator('[data-figure="engagements"] a').click()
    expect(page).to_have_url(re.compile(rf"occurred_after={last_year}-01-01&occurred_before={last_year}-12-31"))
    expect(page.get_by_text("Counted call with Astrelis")).to_be_visible()
    expect(page.get_by_text("Call the year before")).to_have_count(0)


def test_it_downloads_the_report_as_a_word_document(page, sign_in, victor):
    from docx import Document

    last_year = datetime.date.today().year - 1
    EngagementFactory(occurred_on=datetime.date(last_year, 6, 1))
    sign_in(victor)
    page.goto(f"/reports/annual/{last_year}/")
    with page.expect_download() as download:
        page.get_by_test_id("docx-link").click()
    assert download.value.suggested_filename == f"industry-engagement-report-{last_year}.docx"
    document = Document(str(download.value.path()))
    rows = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert rows["Engagements"] == "1"
