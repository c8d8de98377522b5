"""The collated answer for the sponsor as a document: its figures, its CSV rows and its PDF.

The office's summary page draws it live; a release freezes the PDF and CSV on the SponsorSummary, so the
sponsor downloads exactly what the office released.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

from django.template.loader import render_to_string
from django.utils import timezone

from crm.exports import csv_cell
from feasibility.models import Decision, FeasibilityRequest

CSV_HEADERS = ["centre", "principal_investigator", "estimated_patients", "earliest_start", "comments"]


def summary_context(feasibility_request: FeasibilityRequest) -> dict:
    invitations = list(feasibility_request.invitations.select_related("centre", "response").order_by("centre__name"))
    answered = [i for i in invitations if hasattr(i, "response")]
    interested = [i for i in answered if i.response.decision == Decision.INTERESTED]
    declined = [i for i in answered if i.response.decision == Decision.DECLINED]
    reasons = Counter(i.response.get_decline_reason_display() for i in declined)
    return {
        "object": feasibility_request,
        "consulted": len(invitations),
        "answered": len(answered),
        "unanswered": len(invitations) - len(answered),
        "interested": interested,
        "declined": declined,
        "decline_reasons": sorted(reasons.items(), key=lambda item: (-item[1], item[0])),
        "more_info": sum(1 for i in answered if i.response.decision == Decision.MORE_INFO),
        "patients": sum(i.response.estimated_patients or 0 for i in interested),
        "today": timezone.localdate(),
    }


def summary_rows(context: dict) -> list[list]:
    """The interested centres' answers, then a blank line and the totals (the sponsor summary's CSV)."""
    rows: list[list] = [
        [
            invitation.centre.name,
            invitation.response.principal_investigator,
            invitation.response.estimated_patients,
            invitation.response.earliest_start,
            invitation.response.comments,
        ]
        for invitation in context["interested"]
    ]
    return [*rows, [], ["centres consulted", context["consulted"]], ["centres interested", len(context["interested"])]]


def summary_csv(context: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADERS)
    writer.writerows([csv_cell(value) for value in row] for row in summary_rows(context))
    return out.getvalue()


def summary_pdf(context: dict, base_url: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string("feasibility/sponsor_summary_pdf.html", context)
    return HTML(string=html, base_url=base_url).write_pdf()
