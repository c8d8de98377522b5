"""`manage.py annual_report --year 2025 --out report.pdf [--financial]`: the year's report as a PDF."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from crm import kpis
from crm.report_pdf import build_pdf, narrative_for, report_pdf


class Command(BaseCommand):
    help = "Write a year's Industry Engagement Report as a PDF (the published copy, once the year is published)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="The calendar year, or the year April starts in.")
        parser.add_argument("--out", required=True, help="Where to write the PDF.")
        parser.add_argument("--financial", action="store_true", help="A UK financial year (April to March).")
        parser.add_argument("--draft", action="store_true", help="Draw a fresh draft even if the year is published.")

    def handle(self, *args, year, out, financial, draft, **options):
        today = timezone.localdate()
        if not kpis.report_year_allowed(year, today):
            raise CommandError(f"Give a year between {kpis.FIRST_REPORT_YEAR} and {today.year + 1}.")
        period = kpis.period_for(year, financial=financial)
        self.stdout.write(f"Industry Engagement Report {period.label} ({period.start} to {period.end})")

        def say(message: str) -> None:
            self.stdout.write(f"  {message}…")

        if draft:
            pdf = build_pdf(year, financial=financial, narrative=narrative_for(year, financial=financial), progress=say)
        else:
            pdf, _ = report_pdf(year, financial=financial, progress=say)
        path = Path(out)
        try:
            path.write_bytes(pdf)
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({len(pdf) // 1024} KB)"))
