"""The PDF: its pages and figures, publishing (a frozen copy), and manage.py annual_report."""

import datetime
import hashlib
import io
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from crm import services
from crm.models import ReportNarrative
from crm.report_pdf import build_pdf, report_pdf
from tests.factories import (
    CentreFactory,
    CentreResponseFactory,
    EngagementFactory,
    FeasibilityRequestFactory,
    InvitationFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def text_of(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def pages_of(pdf: bytes) -> list[str]:
    return text_of(pdf).split("\f")


@pytest.fixture
def records():
    for day in (D(2025, 1, 10), D(2025, 2, 11), D(2025, 2, 12)):
        EngagementFactory(occurred_on=day)
    request = FeasibilityRequestFactory(received_on=D(2025, 3, 1))
    CentreResponseFactory(invitation=InvitationFactory(request=request, centre=CentreFactory(name="Leeds ECMC")))


def write(alice, **words):
    return services.report_narrative_save(
        actor=alice,
        year=2025,
        summary=words.get("summary", "A year of steady growth."),
        highlights=words.get("highlights", "- First radioligand study placed"),
        plans=words.get("plans", "Open two paediatric studies."),
    )


def test_it_renders_the_pdf_with_cover_contents_figures_and_narrative(alice, records):
    write(alice)
    pdf = build_pdf(2025, narrative=ReportNarrative.objects.get())
    pages = pages_of(pdf)
    assert "Industry Engagement" in pages[0] and "DRAFT" in pages[0]
    assert "Contents" in pages[1]
    contents = pages[1]
    for chapter in (
        "Summary and headline figures",
        "Industry engagements",
        "Regulatory engagement",
        "Education and capability building",
        "Partnerships",
        "Trial opportunities",
        "Set-up of commercial studies",
        "Plans for next year",
    ):
        assert chapter in contents
    text = text_of(pdf)
    assert "A year of steady growth." in text
    assert "First radioligand study placed" in text
    assert "Open two paediatric studies." in text
    assert "3 engagements" in text
    assert "Leeds ECMC" in text
    assert f"Page 3 of {len(pages) - 1}" in pages[2]  # pdftotext ends with a form feed
    # The contents give the page each chapter starts on.
    for chapter in ("1. Summary and headline figures", "10. Set-up of commercial studies", "12. How the figures"):
        starts_on = next(i for i, p in enumerate(pages, 1) if i > 2 and chapter in p)  # its first page
        [line] = [line for line in contents.splitlines() if chapter in line]
        assert line.rstrip().endswith(f" {starts_on}"), (chapter, line, starts_on)


def test_it_renders_a_year_with_nothing_in_it():
    text = text_of(build_pdf(2019))
    assert "Nothing recorded in this period" in text
    assert "0 engagements" in text


def test_it_publishes_a_frozen_pdf_that_does_not_change_when_records_do(alice, records, client_for):
    write(alice)
    narrative = services.report_publish(actor=alice, year=2025)
    stored = narrative.published_pdf.read()
    assert narrative.published_sha256 == hashlib.sha256(stored).hexdigest()
    assert narrative.published_by == alice and narrative.published_at
    assert "DRAFT" not in text_of(stored) and "Published" in text_of(stored)
    EngagementFactory(occurred_on=D(2025, 6, 1))
    EngagementFactory(occurred_on=D(2025, 6, 2))
    served, _ = report_pdf(2025)
    assert served == stored
    assert "3 engagements" in text_of(served)
    assert "5 engagements" in text_of(build_pdf(2025))  # a fresh draw sees the new records
    response = client_for(alice).get(reverse("crm:annual-report-pdf", args=[2025]))
    assert response.content == stored
    assert "draft" not in response["Content-Disposition"]


def test_it_regenerates_drafts_each_time(alice, records):
    assert "3 engagements" in text_of(report_pdf(2025)[0])
    EngagementFactory(occurred_on=D(2025, 6, 1))
    assert "4 engagements" in text_of(report_pdf(2025)[0])


def test_it_freezes_the_narrative_once_published(alice, records):
    write(alice)
    services.report_publish(actor=alice, year=2025)
    with pytest.raises(ValidationError):
        write(alice, summary="Rewritten")
    with pytest.raises(ValidationError):
        services.report_publish(actor=alice, year=2025)
    assert ReportNarrative.objects.get().summary == "A year of steady growth."


def test_it_refuses_to_publish_without_a_summary_or_before_the_year_ends(alice):
    with pytest.raises(ValidationError):
        services.report_publish(actor=alice, year=2025)
    write(alice)
    with pytest.raises(ValidationError):
        services.report_publish(actor=alice, year=2025, today=D(2025, 12, 31))
    assert not ReportNarrative.objects.get().published_at


def test_it_lets_only_the_programme_office_publish(victor, bob):
    for user in (victor, bob):
        with pytest.raises(PermissionDenied):
            services.report_publish(actor=user, year=2025)
        with pytest.raises(PermissionDenied):
            services.report_narrative_save(actor=user, year=2025, summary="x")


def test_it_publishes_from_the_page(alice, records, client_for):
    c = client_for(alice)
    c.post(reverse("crm:annual-report-narrative", args=[2025]), {"summary": "Done.", "highlights": "", "plans": ""})
    assert 'data-testid="publish"' in c.get(reverse("crm:annual-report", args=[2025])).content.decode()
    response = c.post(reverse("crm:annual-report-publish", args=[2025]))
    assert response.status_code == 302
    html = c.get(reverse("crm:annual-report", args=[2025])).content.decode()
    assert 'data-testid="published"' in html
    assert 'data-testid="publish"' not in html and 'data-testid="narrative-form"' not in html


def test_it_writes_the_pdf_from_the_command_with_progress(tmp_path, records):
    out = tmp_path / "report.pdf"
    stdout = io.StringIO()
    call_command("annual_report", "--year", "2025", "--out", str(out), "--financial", stdout=stdout)
    assert out.read_bytes().startswith(b"%PDF")
    printed = stdout.getvalue()
    assert "2025/26" in printed and "Drawing the charts" in printed and "Wrote" in printed
    assert "2025/26" in text_of(out.read_bytes())


def test_it_draws_the_charts_as_vectors_not_pictures(records, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(build_pdf(2025))
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, check=True)
    assert len(listing.stdout.decode().strip().splitlines()) == 2  # the header only: no raster images


def test_it_copies_the_published_pdf_from_the_command_unless_a_draft_is_asked_for(tmp_path, alice, records):
    write(alice)
    stored = services.report_publish(actor=alice, year=2025).published_pdf.read()
    EngagementFactory(occurred_on=D(2025, 6, 1))
    out, stdout = tmp_path / "report.pdf", io.StringIO()
    call_command("annual_report", "--year", "2025", "--out", str(out), stdout=stdout)
    assert out.read_bytes() == stored
    assert "the stored PDF" in stdout.getvalue()
    call_command("annual_report", "--year", "2025", "--out", str(out), "--draft", stdout=io.StringIO())
    assert out.read_bytes() != stored
    assert "4 engagements" in text_of(out.read_bytes())


def test_it_refuses_a_year_out_of_range_in_the_command(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="between 2000 and"):
        call_command("annual_report", "--year", "1999", "--out", str(tmp_path / "r.pdf"), stdout=io.StringIO())


def test_it_keeps_the_charts_text_as_text_in_the_pdf():
    # Set in the report's font rather than drawn as outlines: faster to lay out, and searchable.
    text = text_of(build_pdf(2019))
    assert "No site set-up milestones in this period" in text
    assert "Commercial studies against the UK set-up targets" in text


def test_it_draws_a_draft_once_until_its_figures_or_narrative_change(alice, records, monkeypatch):
    from weasyprint import HTML

    drawn = []
    real = HTML.write_pdf
    monkeypatch.setattr(HTML, "write_pdf", lambda self, *a, **k: drawn.append(1) or real(self, *a, **k))
    first = build_pdf(2025)
    assert build_pdf(2025) == first and len(drawn) == 1  # the same page: the cached PDF
    EngagementFactory(occurred_on=D(2025, 6, 1))
    assert "4 engagements" in text_of(build_pdf(2025)) and len(drawn) == 2  # a new record shows at once
    write(alice, summary="Rewritten after the board meeting.")
    assert "Rewritten after the board meeting." in text_of(build_pdf(2025, narrative=ReportNarrative.objects.get()))
    assert len(drawn) == 3


def test_it_reads_the_cached_charts_in_one_query(records, django_assert_num_queries, settings):
    from crm import charts
    from crm.reports import annual_report

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t_cache"}}
    call_command("createcachetable", verbosity=0)
    report = annual_report(2025)
    charts.all_charts(report, for_print=True)
    with django_assert_num_queries(1):
        assert set(charts.all_charts(report, for_print=True)) == set(charts.CHARTS)
