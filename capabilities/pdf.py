"""The sponsor-facing network capability directory as a PDF (WeasyPrint, from an ordinary template)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from capabilities import selectors
from capabilities.models import Centre


def directory_context(centres: QuerySet[Centre], today: datetime.date | None = None) -> dict:
    """Every centre's profile (held and planned levels, by area), in four queries whatever the count."""
    today = today or timezone.localdate()
    sections = []
    for centre in selectors.with_levels(centres.order_by("name")):
        groups: dict[int, dict] = {}
        levels = sorted(centre.capability_levels.all(), key=lambda lv: (lv.capability.area.order, lv.capability.order))
        for level in levels:
            area = level.capability.area
            groups.setdefault(area.pk, {"area": area, "levels": []})["levels"].append(level)
        sections.append({"centre": centre, "summary": selectors.summarise(centre, today), "groups": groups.values()})
    return {"sections": sections, "today": today, "NETWORK_NAME": settings.NETWORK_NAME}


def render_directory_pdf(centres: QuerySet[Centre], base_url: str | None = None) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("capabilities/directory_pdf.html", directory_context(centres))
    stylesheet = CSS(filename=finders.find("css/directory-print.css"))
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[stylesheet])
