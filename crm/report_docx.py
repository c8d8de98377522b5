"""The annual report as a Word document (python-docx), for the communications team to brand and edit.

It holds what the PDF holds, drawn from the same figures, chapters, tables and narrative: headings in Word's
own heading styles (so a branded template restyles them and the navigation pane lists them), every table
as a Word table with the year before beside each figure, and the charts as PNG images.
"""

from __future__ import annotations

import datetime
import io

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from crm import charts, report_pdf, reports
from crm.models import ReportNarrative

TABLE_STYLE = "Light List Accent 1"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _table(document, table: dict) -> None:
    numeric = [column["numeric"] for column in reports.laid_out(table)["columns"]]
    grid = document.add_table(rows=1, cols=len(table["headers"]))
    grid.style = TABLE_STYLE
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, title in zip(grid.rows[0].cells, table["headers"], strict=True):
        cell.text = str(title)
    for row in table["rows"]:
        cells = grid.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = reports.shown(value)
            if numeric[i]:
                cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if not table["rows"]:
        cells = grid.add_row().cells
        merged = cells[0].merge(cells[-1])
        merged.text = "Nothing recorded in this period."
    _repeat_header(grid.rows[0])
    document.add_paragraph()


def _repeat_header(row) -> None:
    """Mark the first row as a header row, repeated on each page a long table runs over."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _picture(document, chart: dict) -> None:
    document.add_picture(io.BytesIO(chart["png"]), width=Cm(16))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption = document.add_paragraph(f"{chart['title']}.", style="Caption")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _paragraphs(document, text: str, empty: str) -> None:
    blocks = [block.strip() for block in (text or "").split("\n\n") if block.strip()]
    for block in blocks or [empty]:
        paragraph = document.add_paragraph(block)
        if not blocks:
            paragraph.runs[0].italic = True


def build_docx(year: int, *, financial: bool = False, narrative: ReportNarrative | None = None) -> bytes:
    """The whole report for a year as a .docx file, from today's records."""
    report = reports.annual_report(year, financial=financial)
    headlines = reports.headline_figures(report)
    tables = reports.report_tables(report)
    drawn = charts.png_charts(report)
    network = getattr(settings, "NETWORK_NAME", "")

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10)
    properties = document.core_properties
    properties.title = f"Industry Engagement Report {report['label']}"
    properties.author = f"{network} Programme Office".strip()
    properties.comments = f"Drawn by {settings.SITE_NAME} on {timezone.localdate():%d %b %Y}"

    document.add_heading(f"Industry Engagement Report {report['label']}", level=0)
    start, end = (datetime.date.fromisoformat(report["period"][edge]) for edge in ("start", "end"))
    kind = "financial year" if financial else "calendar year"
    document.add_paragraph(f"{network} · {start:%d %b %Y} to {end:%d %b %Y} · {kind}")
    if narrative and narrative.published_at:
        status = f"Published {timezone.localtime(narrative.published_at):%d %b %Y} by the Programme Office."
    else:
        status = f"Draft drawn on {timezone.localdate():%d %b %Y} from the records of that day."
    document.add_paragraph(status).runs[0].italic = True

    document.add_heading("1. Summary and headline figures", level=1)
    _paragraphs(
        document, narrative.summary if narrative else "", "The Programme Office has not yet written the summary."
    )
    _table(
        document,
        {
            "headers": ["Figure", report["label"], report["previous_year"]["label"], "Change"],
            "rows": [
                [
                    h["label"],
                    "–" if h["value"] is None else f"{reports.shown(h['value'])}{h['unit']}",
                    "–" if h["previous"] is None else f"{reports.shown(h['previous'])}{h['unit']}",
                    h["change"],
                ]
                for h in headlines
            ],
        },
    )
    for note in reports.empty_notes(headlines, report["label"]):
        document.add_paragraph(f"“–” {note}", style="List Bullet")

    document.add_heading("2. Highlights", level=1)
    highlights = report_pdf.highlights_list(narrative.highlights) if narrative else []
    for highlight in highlights:
        document.add_paragraph(highlight, style="List Bullet")
    if not highlights:
        document.add_paragraph("No highlights written yet.").runs[0].italic = True

    number = 2
    for chapter in reports.chapters(report):
        number += 1
        document.add_heading(f"{number}. {chapter['title']}", level=1)
        for paragraph in chapter["paragraphs"]:
            document.add_paragraph(paragraph)
        for name in chapter["charts"]:
            _picture(document, drawn[name])
        for name in chapter["tables"]:
            document.add_heading(tables[name]["title"], level=2)
            _table(document, tables[name])

    document.add_heading(f"{number + 1}. Plans for next year", level=1)
    _paragraphs(document, narrative.plans if narrative else "", "No plans written yet.")
    if tables["plans"]["rows"]:
        document.add_heading(tables["plans"]["title"], level=2)
        _table(document, tables["plans"])

    document.add_heading(f"{number + 2}. How the figures are counted", level=1)
    for term, text in reports.DEFINITIONS:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(term).bold = True
        paragraph.add_run(f": {text}")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def filename(year: int, *, financial: bool = False) -> str:
    return report_pdf.filename(year, financial=financial, draft=False).removesuffix(".pdf") + ".docx"
