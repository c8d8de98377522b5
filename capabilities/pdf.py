"""The sponsor-facing network capability directory as a PDF (WeasyPrint, from an ordinary template).

For sponsors: a one-page overview (each centre's headline capabilities and when it last confirmed its
profile) and then a page or two per centre, every level marked when nobody has confirmed it for 12 months.
The rows are read as columns (`values()`), not as models with their relations, and the print stylesheet
is kept to what WeasyPrint lays out fast. The finished file is cached until a profile changes
(`directory_fingerprint`), so only the first download after a change pays for the drawing.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import hashlib
import time
from collections import defaultdict
from collections.abc import Iterator

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from capabilities.models import STALE_AFTER_DAYS, Capability, CapabilityArea, Centre, CentreCapability, Level
from capabilities.selectors import HEADLINE_CODES

CACHE_SECONDS = 7 * 24 * 3600


def _detail(row: dict) -> str:
    parts = []
    if row["quantity"] is not None:
        parts.append(f"{row['quantity']} {row['capability__quantity_unit']}".strip())
    if row["expires_on"]:
        parts.append(f"valid to {row['expires_on']:%b %Y}")
    if row["notes"]:
        parts.append(row["notes"])
    return "; ".join(parts)


def directory_context(centres: QuerySet[Centre], today: datetime.date | None = None) -> dict:
    """Every centre's profile (by area, in taxonomy order) and the overview: three queries whatever the count."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=STALE_AFTER_DAYS)
    labels = dict(Level.choices)
    centre_list = list(centres.order_by("name"))
    rows = (
        CentreCapability.objects.filter(centre__in=[c.pk for c in centre_list])
        .order_by("centre_id", "capability__area__order", "capability__area__name", "capability__order", "capability__name")
        .values(
            "centre_id", "level", "quantity", "notes", "expires_on", "confirmed_on", "capability__code",
            "capability__name", "capability__quantity_unit", "capability__area_id", "capability__area__name",
        )
    )  # fmt: skip
    by_centre: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_centre[row["centre_id"]].append(row)
    headline = sorted(Capability.objects.filter(code__in=HEADLINE_CODES), key=lambda c: HEADLINE_CODES.index(c.code))
    sections = []
    for centre in centre_list:
        groups: dict[int, dict] = {}
        held = {}
        confirmed = [row["confirmed_on"] for row in by_centre[centre.pk] if row["confirmed_on"]]
        stale = 0
        for row in by_centre[centre.pk]:
            is_stale = row["confirmed_on"] is None or row["confirmed_on"] < cutoff
            stale += is_stale
            held[row["capability__code"]] = row["level"]
            group = groups.setdefault(row["capability__area_id"], {"area": row["capability__area__name"], "levels": []})
            group["levels"].append(
                {
                    "name": row["capability__name"],
                    "level": row["level"],
                    "level_label": labels.get(row["level"], row["level"]),
                    "detail": _detail(row),
                    "stale": is_stale,
                }
            )
        last_confirmed = max(confirmed) if confirmed else None
        sections.append(
            {
                "centre": centre,
                "groups": list(groups.values()),
                "headline": [held.get(c.code) for c in headline],
                "last_confirmed": last_confirmed,
                "stale_profile": last_confirmed is None or last_confirmed < cutoff,
                "stale": stale,
            }
        )
    return {"sections": sections, "headline": headline, "today": today, "NETWORK_NAME": settings.NETWORK_NAME}


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while WeasyPrint lays out and draws a document.

    A layout allocates hundreds of thousands of small objects that all live until the PDF is written, so
    every collection in between walks them all and frees nothing: a fifth of the drawing time. Reference
    counting still frees what it can meanwhile, and the collector, back on, frees the document's cycles.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_directory_pdf(centres: QuerySet[Centre], base_url: str | None = None, progress=None) -> bytes:
    """Draw the directory; `progress(stage)` hears each stage (reading, laying out, writing) for the wait page."""
    from weasyprint import CSS, HTML

    say = progress or (lambda stage: None)
    say("Reading the centres' profiles")
    html = render_to_string("capabilities/directory_pdf.html", directory_context(centres))
    stylesheet = CSS(filename=finders.find("css/directory-print.css"))
    with gc_paused():
        say("Laying out the pages")
        document = HTML(string=html, base_url=base_url).render(stylesheets=[stylesheet])
        say(f"Writing {len(document.pages)} pages")
        return document.write_pdf()


def directory_fingerprint(centres: QuerySet[Centre]) -> str:
    """Changes whenever a centre or a level of these centres changes, or the taxonomy the PDF names them by
    (a capability or an area renamed, reordered or removed): the history records every save, also deletions;
    and each day (the stale marks and the issue date move with it)."""
    ids = sorted(centres.values_list("pk", flat=True))
    levels = CentreCapability.history.filter(centre_id__in=ids).aggregate(
        n=Count("history_id"), last=Max("history_date")
    )
    changed = Centre.history.filter(id__in=ids).aggregate(n=Count("history_id"), last=Max("history_date"))
    taxonomy = [
        model.history.aggregate(n=Count("history_id"), last=Max("history_date"))
        for model in (Capability, CapabilityArea)
    ]
    key = f"{ids}|{levels}|{changed}|{taxonomy}|{timezone.localdate()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _key(fingerprint: str) -> str:
    return f"directory-pdf:{fingerprint}"


def stored_directory_pdf(fingerprint: str) -> bytes | None:
    return cache.get(_key(fingerprint))


def build_progress(fingerprint: str) -> dict | None:
    """What the background build of this version is doing ({"stage", "started"}), or None when none runs."""
    return cache.get(_key(fingerprint) + ":progress")


def claim_build(fingerprint: str) -> bool:
    """True for the one request that should start the build of this version (the others wait for it)."""
    return cache.add(_key(fingerprint) + ":progress", {"stage": "Waiting for the worker", "started": time.time()}, 600)


def cached_directory_pdf(centres: QuerySet[Centre], base_url: str | None = None) -> bytes:
    """The directory, drawn once per fingerprint and kept in the cache (the database cache in production)."""
    fingerprint = directory_fingerprint(centres)
    pdf = stored_directory_pdf(fingerprint)
    if pdf is None:
        started = time.time()

        def progress(stage: str) -> None:
            cache.set(_key(fingerprint) + ":progress", {"stage": stage, "started": started}, 600)

        pdf = render_directory_pdf(centres, base_url=base_url, progress=progress)
        cache.set(_key(fingerprint), pdf, CACHE_SECONDS)
        cache.delete(_key(fingerprint) + ":progress")
    return pdf
