"""The annual report as a PDF (WeasyPrint): a draft is drawn once per version of its page, a published year
is frozen.

A draft's page (figures, charts, narrative, template, the day it is drawn on) is rendered as HTML first; the
PDF laid out from it is kept in the shared cache under that HTML's digest, so the next download of the same
figures costs the figures and a cache read, and any new record, narrative edit or template change draws a
new one."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from capabilities.pdf import gc_paused
from crm import kpis, reports
from crm.models import ReportNarrative

# The page says which day's records it was drawn from, so a cached draft lives a day at most.
CACHE_SECONDS = 24 * 3600


def narrative_for(year: int, *, financial: bool = False) -> ReportNarrative | None:
    return ReportNarrative.objects.filter(year=year, financial_year=financial).select_related("published_by").first()


def highlights_list(text: str) -> list[str]:
    """Highlights are written one per line; a leading "-" or "*" is allowed and dropped."""
    return [line.strip().lstrip("-*• ").strip() for line in (text or "").splitlines() if line.strip()]


def build_pdf(year: int, *, financial: bool = False, narrative: ReportNarrative | None = None, progress=None) -> bytes:
    """Draw the report for a year from today's records. `progress(message)` hears of each step."""
    from weasyprint import HTML

    from crm import charts

    say = progress or (lambda message: None)
    say("Computing the figures")
    report = reports.annual_report(year, financial=financial)
    say("Drawing the charts")
    drawn = charts.all_charts(report, for_print=True)
    say("Laying out the pages")
    tables = {name: reports.laid_out(table) for name, table in reports.report_tables(report).items()}
    headlines = reports.headline_figures(report)
    context = {
        "report": report,
        "period": kpis.period_for(year, financial=financial),
        "narrative": narrative,
        "highlights": highlights_list(narrative.highlights) if narrative else [],
        "headlines": headlines,
        "empty_notes": reports.empty_notes(headlines, report["label"]),
        "chapters": [
            chapter
            | {"drawn": [drawn[n] for n in chapter["charts"]], "laid_out": [tables[n] for n in chapter["tables"]]}
            for chapter in reports.chapters(report)
        ],
        "plans_table": tables["plans"],
        "definitions": reports.DEFINITIONS,
        "generated_at": timezone.now(),
        "SITE_NAME": settings.SITE_NAME,
        "NETWORK_NAME": getattr(settings, "NETWORK_NAME", ""),
    }
    html = render_to_string("crm/report_pdf.html", context)
    key = f"report-pdf:{sha256(html.encode())}"
    pdf = cache.get(key)
    if pdf is None:
        say("Writing the PDF")
        with gc_paused():
            pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
        cache.set(key, pdf, CACHE_SECONDS)
    return pdf


def report_pdf(year: int, *, financial: bool = False, progress=None) -> tuple[bytes, ReportNarrative | None]:
    """The PDF to serve: the stored one once the year is published, else a fresh draft."""
    narrative = narrative_for(year, financial=financial)
    if narrative and narrative.published_at and narrative.published_pdf:
        if progress:
            progress(f"Published {narrative.published_at:%d %b %Y}: the stored PDF")
        with narrative.published_pdf.open("rb") as stored:
            return stored.read(), narrative
    return build_pdf(year, financial=financial, narrative=narrative, progress=progress), narrative


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def filename(year: int, *, financial: bool = False, draft: bool = True) -> str:
    label = f"{year}-{(year + 1) % 100:02d}" if financial else str(year)
    return f"industry-engagement-report-{label}{'-draft' if draft else ''}.pdf"


def content_disposition(year: int, *, financial: bool, narrative: ReportNarrative | None) -> str:
    """Shown in the browser, saved under a name that says whether it is the published report or a draft."""
    draft = not (narrative and narrative.published_at)
    return f'inline; filename="{filename(year, financial=financial, draft=draft)}"'
