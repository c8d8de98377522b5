"""The annual Industry Engagement Report: the page, its narrative editor, publishing, CSV and PDF downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from crm import charts, exports, kpis, report_docx, reports, services
from crm import permissions as access
from crm.forms import ReportNarrativeForm
from crm.forms_util import add_service_errors
from crm.report_pdf import content_disposition, highlights_list, narrative_for, report_pdf


def trace_url(name: str, *args, **query) -> str:
    """A link to the records behind a figure: the named page with the query given (empty values left out)."""
    url = reverse(name, args=args)
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


def _history_period(year: int, financial: bool) -> dict:
    period = kpis.period_for(year, financial=financial)
    return {"received_after": period.start, "received_before": period.end}


def _financial(request) -> bool:
    return request.GET.get("financial") == "1" or request.POST.get("financial") == "1"


def _check_year(year: int) -> None:
    if not kpis.report_year_allowed(year, timezone.localdate()):
        raise Http404("No report for that year.")


def _require_read(request, year: int | None = None) -> None:
    """403 for those who may not read the report (centre staff see their scorecard instead); 404 for a year
    out of range."""
    access.require(
        access.can_read_reports(request.user), "The annual report is for the Programme Office and leadership."
    )
    if year is not None:
        _check_year(year)


def _report_url(year: int, financial: bool) -> str:
    url = reverse("crm:annual-report", args=[year])
    return f"{url}?financial=1" if financial else url


def headline_trace_links(report: dict) -> dict:
    """The lists behind the headline figures (all the dashboards link), without the report's links per row."""
    start, end = report["period"]["start"], report["period"]["end"]
    return {
        "engagements": trace_url("engagements:engagement-list", occurred_after=start, occurred_before=end),
        "events": trace_url("engagements:event-list", starts_after=start, starts_before=end),
        "requests": trace_url("feasibility:request-list", received_after=start, received_before=end),
    }


def trace_links(report: dict) -> dict:
    """Where each figure's records are listed, filtered the way the figure counts where the list can.

    The engagement, event and request lists filter by any dates (exact for engagements and requests;
    events attended are those listed that staff went to or where a meeting was held).
    """
    start, end = report["period"]["start"], report["period"]["end"]
    financial = report.get("financial_year", False)
    engagements = {"occurred_after": start, "occurred_before": end}
    requests = {"received_after": start, "received_before": end}
    months = kpis.period_for(report["year"], financial=financial).months
    return headline_trace_links(report) | {
        "engagements_by_kind": {
            kind: trace_url("engagements:engagement-list", **engagements, kind=kind)
            for kind in report["engagements"]["by_kind"]
        },
        "engagements_by_month": [
            trace_url("engagements:engagement-list", occurred_after=month, occurred_before=kpis.month_end(month))
            for month in months
        ],
        "requests_by_modality": {
            modality: trace_url("feasibility:request-list", **requests, modality=modality)
            for modality in report["feasibility"]["by_modality"]
        },
        "requests_by_year": [
            trace_url("feasibility:request-list", **_history_period(h["year"], financial)) for h in report["history"]
        ],
        "centres": [trace_url("feasibility:scorecard", c["id"]) for c in report["feasibility"]["centres"]],
        "events_each": [trace_url("engagements:event-detail", e["id"]) for e in report["engagements"]["events"]],
        "setups": [trace_url("feasibility:request-detail", s["request_id"]) for s in report["setup"]["sites"]],
        "regulatory_each": [trace_url("engagements:engagement-detail", r["id"]) for r in report["regulatory"]["items"]],
        "partners_each": [
            trace_url("engagements:organisation-detail", o["id"]) for o in report["partnerships"]["items"]
        ],
        "education_each": [
            trace_url("engagements:event-detail", e["id"])
            for e in report["engagements"]["events"]
            if e["kind"] == "education"
        ],
    }


def headline_links(report: dict, links: dict) -> dict[str, tuple[str, str]]:
    """(url, what the list holds) for each headline figure with records behind it."""
    engagements = (links["engagements"], "The engagements counted")
    through_engagements = (links["engagements"], "The period's engagements, with the organisations met")
    if report.get("financial_year"):
        requests = (links["requests"], "Every request: the list filters by calendar year only")
    else:
        requests = (links["requests"], "The requests received, with their invitations and answers")
    return {
        "engagements": engagements,
        "organisations_engaged": through_engagements,
        "organisations_new": through_engagements,
        "events_attended": (links["events"], "Events starting in the period"),
        "received": requests,
        "circulated": requests,
        "with_interest": requests,
        "with_interest_pct": requests,
        "median_response_days": requests,
    }


def linked_headlines(report: dict, links: dict) -> list[dict]:
    """The headline figures, each with `url` and `link_title` (empty where no list stands behind it)."""
    by_key = headline_links(report, links)
    return [
        h | dict(zip(("url", "link_title"), by_key.get(h["key"], ("", "")), strict=True))
        for h in reports.headline_figures(report)
    ]


def _linked_tables(report: dict, links: dict) -> dict:
    """The report's tables, each row split into its label (linked to its records where we can) and values."""
    row_links = {
        "engagements_by_kind": list(links["engagements_by_kind"].values()),
        "engagements_by_month": links["engagements_by_month"],
        "feasibility_by_modality": list(links["requests_by_modality"].values()),
        "history": links["requests_by_year"],
        "centres": links["centres"],
        "events": links["events_each"],
        "setup": links["setups"],
        "regulatory": links["regulatory_each"],
        "partners": links["partners_each"],
        "education_events": links["education_each"],
    }
    return {name: reports.laid_out(table, row_links.get(name)) for name, table in reports.report_tables(report).items()}


@login_required
def annual_report_latest(request):
    _require_read(request)
    financial = _financial(request)
    return redirect(_report_url(kpis.last_complete_year(timezone.localdate(), financial=financial), financial))


def _figures_context(year: int, financial: bool) -> dict:
    """What the page draws from the figures alone: the report, its links, headlines, charts and tables."""
    report = reports.annual_report(year, financial=financial)
    links = trace_links(report)
    headlines = linked_headlines(report, links)
    return {
        "report": report,
        "links": links,
        "headlines": headlines,
        "empty_notes": reports.empty_notes(headlines, report["label"]),
        "charts": charts.all_charts(report),
        "tables": _linked_tables(report, links),
    }


def _page_context(request, year: int, financial: bool, form: ReportNarrativeForm | None = None) -> dict:
    today = timezone.localdate()
    # Kept with the figures under the records' version: one cache read between writes, not one per chart.
    figures = reports.cached_figures(f"page:{year}:{int(financial)}", today, lambda: _figures_context(year, financial))
    narrative = narrative_for(year, financial=financial)
    can_write = access.can_write_reports(request.user)
    published = bool(narrative and narrative.published_at)
    if can_write and not published and form is None:
        initial = {"summary": "", "highlights": "", "plans": ""}
        if narrative:
            initial = {"summary": narrative.summary, "highlights": narrative.highlights, "plans": narrative.plans}
        form = ReportNarrativeForm(initial=initial)
    period = kpis.period_for(year, financial=financial)
    return figures | {
        "year": year,
        "financial": financial,
        "period": period,
        "complete": period.end < today,
        "definitions": reports.DEFINITIONS,
        "narrative": narrative,
        "highlights": highlights_list(narrative.highlights) if narrative else [],
        "history": list(narrative.history.select_related("history_user")[:10]) if narrative else [],
        "published": published,
        "can_write": can_write,
        "form": form if can_write and not published else None,
        "previous_url": _report_url(year - 1, financial) if kpis.report_year_allowed(year - 1, today) else "",
        "next_url": _report_url(year + 1, financial) if year + 1 <= today.year else "",
        "next_label": kpis.period_for(year + 1, financial=financial).label,
        "calendar_url": _report_url(year, False),
        "financial_url": _report_url(year, True),
        "pdf_url": reverse("crm:annual-report-pdf", args=[year]) + ("?financial=1" if financial else ""),
        "csv_url": reverse("crm:annual-report-csv", args=[year]),
        "docx_url": reverse("crm:annual-report-docx", args=[year]) + ("?financial=1" if financial else ""),
    }


@login_required
def annual_report_page(request, year: int):
    _require_read(request, year)
    return render(request, "crm/report.html", _page_context(request, year, _financial(request)))


@login_required
@require_POST
def annual_report_narrative(request, year: int):
    access.require(access.can_write_reports(request.user), "Only the Programme Office writes the report.")
    _check_year(year)
    financial = _financial(request)
    form = ReportNarrativeForm(request.POST)
    if form.is_valid():
        try:
            services.report_narrative_save(actor=request.user, year=year, financial=financial, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Narrative saved.")
            return redirect(_report_url(year, financial) + "#narrative")
    return render(request, "crm/report.html", _page_context(request, year, financial, form=form), status=400)


@login_required
@require_POST
def annual_report_publish(request, year: int):
    access.require(access.can_write_reports(request.user), "Only the Programme Office publishes the report.")
    _check_year(year)
    financial = _financial(request)
    try:
        narrative = services.report_publish(actor=request.user, year=year, financial=financial)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"The report is published; its PDF is stored (SHA-256 {narrative.published_sha256[:12]}…)."
        )
    return redirect(_report_url(year, financial))


@login_required
def annual_report_csv(request, year: int):
    _require_read(request, year)
    financial = _financial(request)
    name = request.GET.get("table", "")
    tables = reports.report_tables(reports.annual_report(year, financial=financial))
    if name not in tables:
        raise Http404(f"No table called {name!r}; choose one of {', '.join(tables)}.")
    table = tables[name]
    label = f"{year}-{(year + 1) % 100:02d}" if financial else str(year)
    return exports.csv_response(f"report-{label}-{name}", table["headers"], table["rows"])


@login_required
def annual_report_pdf(request, year: int):
    _require_read(request, year)
    financial = _financial(request)
    pdf, narrative = report_pdf(year, financial=financial)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(year, financial=financial, narrative=narrative)
    return response


@login_required
def annual_report_docx(request, year: int):
    """The whole report as a Word document, for the communications team to brand without retyping a figure."""
    _require_read(request, year)
    financial = _financial(request)
    narrative = narrative_for(year, financial=financial)
    document = report_docx.build_docx(year, financial=financial, narrative=narrative)
    response = HttpResponse(document, content_type=report_docx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{report_docx.filename(year, financial=financial)}"'
    return response
