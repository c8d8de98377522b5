"""API viewsets, serializers and filtersets of this app (DESIGN.md section 6)."""

import json

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers, viewsets
from rest_framework.response import Response

from crm import kpis, reports
from crm import permissions as access
from crm.api_auth import RolePermission
from crm.report_pdf import content_disposition, report_pdf


class PDFRenderer(renderers.BaseRenderer):
    """`?format=pdf`: the view hands over the finished PDF's bytes; anything else (an error) goes out as JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()


class AnnualReportViewSet(viewsets.ViewSet):
    """GET `reports/annual/{year}/`: the figures of DESIGN.md section 7; `?financial=1` for April to March;
    `?format=pdf` for the PDF (the stored copy once the year is published)."""

    permission_classes = [RolePermission]
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, PDFRenderer]
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description="e.g. 2025"),
            OpenApiParameter("financial", OpenApiTypes.BOOL, description="The UK financial year starting in April"),
        ],
        responses={(200, "application/json"): OpenApiTypes.OBJECT, (200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def retrieve(self, request, year=None, format=None):  # noqa: A002 (DRF passes a `.json`/`.pdf` suffix as `format`)
        access.require(access.can_read_reports(request.user), "Reports are for the Programme Office and leadership.")
        year = int(year)
        if not kpis.report_year_allowed(year, timezone.localdate()):
            raise Http404("No report for that year.")
        financial = request.query_params.get("financial") in ("1", "true")
        if request.accepted_renderer.format == "pdf":
            pdf, narrative = report_pdf(year, financial=financial)
            disposition = content_disposition(year, financial=financial, narrative=narrative)
            return Response(pdf, content_type="application/pdf", headers={"Content-Disposition": disposition})
        report = reports.annual_report(year, financial=financial)
        narrative = reports.narrative_dict(year, financial=financial)
        return Response(report | {"narrative": narrative})

    def handle_exception(self, exc):
        # An error asked for as PDF is still told in JSON, which a client can read.
        if getattr(self.request, "accepted_renderer", None) and self.request.accepted_renderer.format == "pdf":
            self.request.accepted_renderer = renderers.JSONRenderer()
            self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)


# (prefix, viewset, basename) for crm/api_urls.py's router.
ROUTES: list[tuple] = [("reports/annual", AnnualReportViewSet, "annual-report")]
