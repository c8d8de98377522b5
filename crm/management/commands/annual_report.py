"""`manage.py annual_report --year 2025 --out report.pdf [--financial]`: the year's report as a PDF."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crm import kpis
from crm.report_pdf import build_pdf, narrative_for


class Command(BaseCommand):
    help = "Write a year's Industry Engagement Report as a PDF (the published copy, once the year is published)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="The calendar year, or the year April starts in.")
        parser.add_argument("--out", required=True, help="Where to write the PDF.")
        parser.add_argument("--financial", action="store_true", help="A UK financial year (April to March).")
        parser.add_argument("--draft", action="store_true", help="Draw a fresh draft even if the year is published.")

    def handle(self, *args, year, out, financial, draft, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("Give a year between 2000 and 2100.")
        period = kpis.period_for(year, financial=financial)
        self.stdout.write(f"Industry Engagement Report {period.label} ({period.start} to {period.end})")
        narrative = narrative_for(year, financial=financial)
        if narrative and narrative.published_at and narrative.published_pdf and not draft:
            self.stdout.write(f"Published {narrative.published_at:%d %b %Y}: copying the stored PDF")
            with narrative.published_pdf.open("rb") as stored:
                pdf = stored.read()
        else:
            pdf = build_pdf(
                year, financial=financial, narrative=narrative, progress=lambda m: self.stdout.write(f"  {m}…")
            )
        path = Path(out)
        try:
            path.write_bytes(pdf)
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({len(pdf) // 1024} KB)"))
