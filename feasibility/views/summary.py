"""The collated answer for the sponsor: page, PDF, CSV and its record.

Thin: each view fetches through crm.permissions, parses a form, calls a service, renders.
"""

from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from crm import exports
from crm import permissions as access
from crm.forms_util import add_service_errors
from feasibility import services
from feasibility.forms import (
    SummaryForm,
)
from feasibility.models import (
    Decision,
)
from feasibility.views._common import (
    _get_request_for_user,
)

# Sponsor summary ------------------------------------------------------------------------------------------


def _summary_context(feasibility_request) -> dict:
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


def _summary_rows(context: dict) -> list[list]:
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


@login_required
def sponsor_summary(request, pk):
    """The collated answer for the sponsor (page, PDF, CSV) and the record of when and to whom it went."""
    feasibility_request = _get_request_for_user(request.user, pk)
    access.require(access.reads_everything(request.user), "Only the Programme Office sends the sponsor summary.")
    context = _summary_context(feasibility_request)
    output = request.GET.get("format")
    if output == "csv":
        return exports.csv_response(
            f"{feasibility_request.reference}-summary",
            ["centre", "principal_investigator", "estimated_patients", "earliest_start", "comments"],
            _summary_rows(context),
        )
    if output == "pdf":
        from weasyprint import HTML

        context["SITE_URL"] = settings.SITE_URL
        html = render_to_string("feasibility/sponsor_summary_pdf.html", context, request=request)
        pdf = HTML(string=html, base_url=settings.SITE_URL).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{feasibility_request.reference}-summary.pdf"'
        return response
    form = None
    if access.can_write_requests(request.user):
        if request.method == "POST":
            form = SummaryForm(request.POST)
            if form.is_valid():
                try:
                    services.sponsor_summary_record(
                        actor=request.user, request=feasibility_request, **form.cleaned_data
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, "Recorded: the sponsor has their answer.")
                    return redirect("feasibility:sponsor-summary", feasibility_request.pk)
        else:
            contacts = [c.email for c in feasibility_request.sponsor_contacts.all() if c.email]
            form = SummaryForm(initial={"sent_to": ", ".join(contacts) or feasibility_request.submitter_email})
    elif request.method == "POST":
        access.require(False, "Only the Programme Office records sponsor summaries.")
    context["form"] = form
    context["summaries"] = feasibility_request.summaries_sent.select_related("sent_by")
    return render(request, "feasibility/sponsor_summary.html", context)
