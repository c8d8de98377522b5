"""The collated answer for the sponsor: page, PDF, CSV and its record.

Thin: each view fetches through crm.permissions, parses a form, calls a service, renders.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crm import exports
from crm import permissions as access
from crm.forms_util import add_service_errors
from feasibility import services
from feasibility.forms import (
    SummaryForm,
)
from feasibility.models import SponsorSummary
from feasibility.summaries import CSV_HEADERS, summary_context, summary_pdf, summary_rows
from feasibility.views._common import (
    _get_request_for_user,
)

# Sponsor summary ------------------------------------------------------------------------------------------


@login_required
def sponsor_summary(request, pk):
    """The collated answer for the sponsor (page, PDF, CSV) and the record of when and to whom it went."""
    feasibility_request = _get_request_for_user(request.user, pk)
    access.require(access.reads_everything(request.user), "Only the Programme Office sends the sponsor summary.")
    context = summary_context(feasibility_request)
    output = request.GET.get("format")
    if output == "csv":
        return exports.csv_response(
            f"{feasibility_request.reference}-summary",
            CSV_HEADERS,
            summary_rows(context),
        )
    if output == "pdf":
        pdf = summary_pdf(context, base_url=request.build_absolute_uri("/"))
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
    context["summaries"] = feasibility_request.summaries_sent.select_related("sent_by", "released_by")
    context["can_release"] = access.can_release_sponsor_summaries(request.user)
    context["sponsor_accounts"] = feasibility_request.sponsor.sponsor_users.filter(is_active=True).count()
    return render(request, "feasibility/sponsor_summary.html", context)


@login_required
@require_POST
def sponsor_summary_release(request, pk, summary_pk):
    """The office releases a recorded summary: the sponsor's accounts are emailed a link and can download it."""
    feasibility_request = _get_request_for_user(request.user, pk)
    summary = access.get_visible_or_404(
        access.visible_sponsor_summaries(request.user).filter(request=feasibility_request), pk=summary_pk
    )
    try:
        services.sponsor_summary_release(actor=request.user, summary=summary, base_url=request.build_absolute_uri("/"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Released: the sponsor's accounts can now download the collated answer.")
    return redirect("feasibility:sponsor-summary", feasibility_request.pk)


@login_required
def sponsor_summary_download(request, pk, kind):
    """The released PDF or CSV, as frozen at release; each download is recorded in the summary's history."""
    summary: SponsorSummary = access.get_visible_or_404(
        access.visible_sponsor_summaries(request.user).select_related("request"), pk=pk
    )
    try:
        content = services.sponsor_summary_download(actor=request.user, summary=summary, kind=kind)
    except ValidationError as exc:
        raise Http404("Nothing released to download.") from exc
    content_type = exports.CSV_CONTENT_TYPE if kind == "csv" else "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    filename = exports.safe_filename(f"{summary.request.reference}-collated-answer", kind)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
