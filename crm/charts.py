"""The annual report's charts: matplotlib (Agg, no display) drawn as SVG strings from the report dict.

The same SVG goes on the page (as a data: image, which the content security policy allows) and into the
PDF (WeasyPrint draws it as vectors). Text is drawn as paths so the charts look the same everywhere, and
the output is deterministic (no dates, fixed ids), so a chart only changes when its figures do.
"""

from __future__ import annotations

import base64
import contextvars
import hashlib
import io
import json
import threading

import matplotlib

matplotlib.use("Agg")

from django.core.cache import cache  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from capabilities.models import Modality  # noqa: E402
from crm import kpis  # noqa: E402
from engagements.models import EngagementKind  # noqa: E402
from feasibility.models import (  # noqa: E402
    APPROVAL_TARGET_DAYS,
    APPROVAL_TARGET_DAYS_ADVANCED,
    FIRST_PARTICIPANT_TARGET_DAYS,
    OPEN_TARGET_DAYS,
    OVERALL_TARGET_DAYS,
    Community,
)

BLUE = "#1f4e79"
TEAL = "#1b7f79"
GREY = "#9aa5b1"
RED = "#b02a37"
STAGE_TARGET_PCT = 90  # each set-up stage is meant to be met by 90% of studies

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#6c757d",
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "legend.frameon": False,
    "svg.hashsalt": "epoch-report",
    "svg.fonttype": "path",
}


# What the drawing functions write: SVG with text as outlines for the page (it looks the same in every
# browser, whatever fonts it has), SVG with text for the PDF, PNG for the Word document (which shows SVG
# only in recent versions of Word).
_FORMAT: contextvars.ContextVar[str] = contextvars.ContextVar("chart_format", default="svg")
PNG_DPI = 200


_LABEL_BOX = {"facecolor": "white", "edgecolor": "none", "pad": 1.2}


def _svg(fig) -> str | bytes:
    # A fixed figure size (no tight bounding box) so every chart scales the same on the page and in the PDF.
    fmt = _FORMAT.get()
    if fmt == "png":
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": "EPOCH"})
        return buffer.getvalue()
    buffer = io.StringIO()
    # For print, text stays text: WeasyPrint sets it in the report's own (subset) font, several times faster
    # than drawing thousands of glyph outlines, and the PDF's charts can be searched and copied.
    with matplotlib.rc_context({"svg.fonttype": "none" if fmt == "print" else "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "EPOCH"})
    return buffer.getvalue()


def _figure(height: float = 2.8, width: float = 6.4):
    # A bare Figure, not pyplot's global figure manager, so nothing is left open between requests.
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots()


def _legend(fig, handles=None, labels=None, ncols: int = 3) -> None:
    """Legends go under the plot, where they never cover a bar."""
    if handles is None:
        handles, labels = [], []
        for ax in fig.axes:
            h, lab = ax.get_legend_handles_labels()
            handles += h
            labels += lab
    fig.legend(handles, labels, loc="outside lower center", ncols=ncols, fontsize=7.5)


def _empty(ax, message: str = "Nothing recorded in this period") -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", color="#6c757d", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _month_labels(report: dict) -> list[str]:
    period = kpis.period_for(report["year"], financial=report.get("financial_year", False))
    return [m.strftime("%b") for m in period.months]


def _label(name: str, limit: int = 42) -> str:
    """A bar's label short enough to leave the bars room: "Paediatric" shortened, then cut with an ellipsis."""
    name = name.replace("Paediatric", "Paed.")
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _value_label(ax, x, y, text: str, fontsize: float = 7.5, **style):
    """A figure just right of the end of its bar (an offset in points, not a leading space, which a PDF's
    text layout would collapse)."""
    return ax.annotate(text, (x, y), xytext=(2, 0), textcoords="offset points", va="center", fontsize=fontsize, **style)


def _hbar(ax, labels, values, colour=BLUE, suffix=""):
    positions = range(len(labels))
    ax.set_xlim(0, max([*values, 1]) * 1.15)
    bars = ax.barh(list(positions), values, color=colour, height=0.6)
    ax.set_yticks(list(positions), labels)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for bar, value in zip(bars, values, strict=True):
        _value_label(ax, bar.get_width(), bar.get_y() + bar.get_height() / 2, f"{value:g}{suffix}")


# The charts ---------------------------------------------------------------------------------------------


def engagements_by_month(report: dict) -> str:
    with matplotlib.rc_context(STYLE):
        fig, ax = _figure()
        current, previous = report["engagements"]["by_month"], report["previous_year"]["engagements"]["by_month"]
        if not any(current) and not any(previous):
            _empty(ax)
        else:
            # The year so far stops at this month, so last year's line is not drawn falling to zero.
            shown = report.get("months_elapsed", 12)
            labels, current, previous = _month_labels(report)[:shown], current[:shown], previous[:shown]
            ax.bar(labels, current, color=BLUE, label=report["label"])
            ax.plot(labels, previous, color=GREY, marker="o", markersize=3, label=report["previous_year"]["label"])
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            _legend(fig)
        ax.set_title("Engagements by month")
        return _svg(fig)


def engagements_by_kind(report: dict) -> str:
    with matplotlib.rc_context(STYLE):
        fig, ax = _figure()
        by_kind = report["engagements"]["by_kind"]
        previous = report["previous_year"]["engagements"]["by_kind"]
        kinds = [k for k in EngagementKind.values if by_kind.get(k) or previous.get(k)]
        if not kinds:
            _empty(ax)
        else:
            labels = [EngagementKind(k).label for k in kinds]
            y = range(len(kinds))
            ax.barh(
                [i - 0.2 for i in y], [by_kind.get(k, 0) for k in kinds], height=0.4, color=BLUE, label=report["label"]
            )
            ax.barh(
                [i + 0.2 for i in y],
                [previous.get(k, 0) for k in kinds],
                height=0.4,
                color=GREY,
                label=report["previous_year"]["label"],
            )
            ax.set_yticks(list(y), labels)
            ax.invert_yaxis()
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            _legend(fig)
        ax.set_title("Engagements by kind")
        return _svg(fig)


def organisations(report: dict) -> str:
    with matplotlib.rc_context(STYLE):
        fig, ax = _figure(height=2.5)
        current, previous = report["engagements"], report["previous_year"]["engagements"]
        groups = ["Organisations engaged", "of which new"]
        y = range(len(groups))
        now = [current["organisations_engaged"], current["organisations_new"]]
        before = [previous["organisations_engaged"], previous["organisations_new"]]
        if not any(now + before):
            _empty(ax, "No organisations engaged in either year")
        else:
            ax.barh([i - 0.2 for i in y], now, height=0.4, color=TEAL, label=report["label"])
            ax.barh([i + 0.2 for i in y], before, height=0.4, color=GREY, label=report["previous_year"]["label"])
            for i, (a, b) in enumerate(zip(now, before, strict=True)):
                _value_label(ax, a, i - 0.2, str(a))
                _value_label(ax, b, i + 0.2, str(b))
            ax.set_yticks(list(y), groups)
            ax.invert_yaxis()
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlim(0, max([*now, *before, 1]) * 1.12)
            _legend(fig)
        ax.set_title("Organisations engaged, and new to the network")
        return _svg(fig)


def events(report: dict) -> str:
    rows = report["engagements"]["events"]
    with matplotlib.rc_context(STYLE):
        fig, ax = _figure(height=max(1.6, 0.3 * len(rows) + 0.8))
        if not rows:
            _empty(ax, "No events attended in this period")
        else:
            _hbar(ax, [_label(r["name"]) for r in rows], [r["meetings"] for r in rows], colour=TEAL)
            ax.set_xlabel("meetings held")
        ax.set_title("Events attended: meetings held")
        return _svg(fig)


def opportunities_history(report: dict) -> str:
    history = report["history"]
    with matplotlib.rc_context(STYLE):
        fig, ax = _figure()
        labels = [h["label"] for h in history]
        ax.bar(labels, [h["received"] for h in history], color=BLUE, label="Opportunities received")
        ax.set_ylabel("received")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        share = ax.twinx()
        share.spines["right"].set_visible(True)
        points = [(label, h["with_interest_pct"]) for label, h in zip(labels, history, strict=True)]
        known = [(label, value) for label, value in points if value is not None]
        if known:
            share.plot([p[0] for p in known], [p[1] for p in known], color=TEAL, marker="o", label="% with interest")
            for label, value in known:
                share.annotate(f"{value:g}%", (label, value), textcoords="offset points", xytext=(0, 5), ha="center")
        share.set_ylim(0, 118)
        share.set_ylabel("% with interest")
        ax.set_ylim(0, max([h["received"] for h in history] + [1]) * 1.15)
        _legend(fig)
        ax.set_title("Opportunities received, and the share with a centre interested")
        return _svg(fig)


def populations_and_modalities(report: dict) -> str:
    feas = report["feasibility"]
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(6.4, 2.8), layout="constrained")
        left, right = fig.subplots(1, 2, width_ratios=[1, 1.6])
        if not feas["received"]:
            _empty(left, "")
            _empty(right)
        else:
            pops = [(Community(c).label, n) for c, n in feas["by_community"].items()]
            pops.append(("Radiopharm.", feas.get("radiopharmaceutical", 0)))
            _hbar(left, [p[0] for p in pops], [p[1] for p in pops], colour=TEAL)
            modalities = [(Modality(k).label, n) for k, n in feas["by_modality"].items() if n]
            modalities.sort(key=lambda m: -m[1])
            _hbar(right, [m[0] for m in modalities], [m[1] for m in modalities])
        for ax in (left, right):
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        left.set_title("By community")
        right.set_title("By modality")
        return _svg(fig)


def centre_responses(report: dict) -> str:
    centres = report["feasibility"]["centres"]
    with matplotlib.rc_context(STYLE):
        fig, ax = _figure(height=max(1.6, 0.26 * len(centres) + 0.9))
        if not centres:
            _empty(ax, "No requests routed in this period")
        else:
            labels = [_label(c["name"]) for c in centres]
            rates = [c["response_rate"] or 0 for c in centres]
            colours = [TEAL if r >= STAGE_TARGET_PCT else (BLUE if r >= 50 else RED) for r in rates]
            y = range(len(centres))
            ax.barh(list(y), rates, color=colours, height=0.6)
            # Three colours mean three bands of answer rate: a legend says which is which.
            bands = [
                (TEAL, f"{STAGE_TARGET_PCT}% or more answered"),
                (BLUE, f"50% to under {STAGE_TARGET_PCT}%"),
                (RED, "under 50%"),
            ]
            _legend(fig, [Patch(color=c) for c, _ in bands], [label for _, label in bands])
            ax.set_yticks(list(y), labels)
            ax.invert_yaxis()
            ax.set_xlim(0, 130)
            ax.set_xticks([0, 25, 50, 75, 100])
            for i, c in enumerate(centres):
                days = "–" if c["median_response_days"] is None else f"{c['median_response_days']:g} d"
                _value_label(ax, rates[i], i, f"{rates[i]:g}% · {days}", fontsize=7)
            ax.set_xlabel("% of invitations answered · median days to answer")
        ax.set_title("Answers by centre")
        return _svg(fig)


def setup_targets(report: dict) -> str:
    setup, previous = report["setup"], report["previous_year"]["setup"]
    stages = [
        (
            f"Approval within {APPROVAL_TARGET_DAYS} ({APPROVAL_TARGET_DAYS_ADVANCED}) days",
            "pct_approval_within_target",
        ),
        (f"Site open within {OPEN_TARGET_DAYS} days", "pct_open_within_60"),
        (f"First participant within {FIRST_PARTICIPANT_TARGET_DAYS} days", "pct_first_within_30"),
        (f"Study within {OVERALL_TARGET_DAYS} days", "pct_within_150"),
    ]
    with matplotlib.rc_context(STYLE):
        fig, ax = _figure(height=2.9)
        if all(setup[key] is None and previous[key] is None for _, key in stages):
            _empty(ax, "No site set-up milestones in this period")
        else:
            y = range(len(stages))
            now = [setup[key] or 0 for _, key in stages]
            before = [previous[key] or 0 for _, key in stages]
            ax.barh([i - 0.2 for i in y], now, height=0.4, color=BLUE, label=report["label"], zorder=2)
            ax.barh(
                [i + 0.2 for i in y], before, height=0.4, color=GREY, label=report["previous_year"]["label"], zorder=2
            )
            # The target line runs behind the bars, and each value sits on a white label of its own, so the
            # line never strikes through a figure.
            ax.axvline(
                STAGE_TARGET_PCT, color=RED, linestyle="--", linewidth=1, label=f"{STAGE_TARGET_PCT}% target", zorder=1
            )
            for i, (_, key) in enumerate(stages):
                for offset, figures, drawn in ((-0.2, setup, now), (0.2, previous, before)):
                    shown = "–" if figures[key] is None else f"{figures[key]:g}%"
                    _value_label(ax, drawn[i], i + offset, shown, zorder=3, bbox=_LABEL_BOX)
            ax.set_yticks(list(y), [s[0] for s in stages])
            ax.invert_yaxis()
            ax.set_xlim(0, 118)
            _legend(fig)
        ax.set_title("Commercial studies against the UK set-up targets")
        return _svg(fig)


CHARTS = {
    "engagements_by_month": ("Engagements by month", engagements_by_month),
    "engagements_by_kind": ("Engagements by kind", engagements_by_kind),
    "organisations": ("Organisations engaged and new", organisations),
    "events": ("Events attended and meetings held", events),
    "opportunities_history": ("Opportunities received and share with interest, by year", opportunities_history),
    "populations_and_modalities": ("Opportunities by population and modality", populations_and_modalities),
    "centre_responses": ("Answer rates and times by centre", centre_responses),
    "setup_targets": ("Site set-up against the 60-, 30- and 150-day targets", setup_targets),
}


# matplotlib's style settings are global: one chart is drawn at a time, whatever the server's threads.
_DRAWING = threading.Lock()


CACHE_SECONDS = 60 * 60


def _drawn(report: dict, names: list[str] | None, fmt: str) -> dict[str, tuple[str, str | bytes]]:
    """{name: (title, drawing)}, each drawing kept in the shared cache under a digest of the figures it was
    drawn from: the same figures draw the same chart."""
    digest = hashlib.sha256(json.dumps(report, sort_keys=True, default=str).encode()).hexdigest()
    keys = {name: f"chart:{fmt}:{name}:{digest}" for name in names or CHARTS}
    cached = cache.get_many(keys.values())  # one round trip (one query on the database cache), not one a chart
    drawn, fresh = {}, {}
    for name, key in keys.items():
        title, draw = CHARTS[name]
        drawing = cached.get(key)
        if drawing is None:
            with _DRAWING:
                token = _FORMAT.set(fmt)
                try:
                    drawing = draw(report)
                finally:
                    _FORMAT.reset(token)
            fresh[key] = drawing
        drawn[name] = (title, drawing)
    if fresh:
        cache.set_many(fresh, CACHE_SECONDS)
    return drawn


def all_charts(report: dict, names: list[str] | None = None, *, for_print: bool = False) -> dict[str, dict]:
    """{name: {"title", "svg", "src"}} for the named charts (all by default); `for_print` keeps the text as
    text, for the PDF.

    Drawing takes most of a report page's time and the figures rarely change, so each chart is cached.
    """
    return {
        name: {"title": title, "svg": svg, "src": data_uri(svg)}
        for name, (title, svg) in _drawn(report, names, "print" if for_print else "svg").items()
    }


def png_charts(report: dict, names: list[str] | None = None) -> dict[str, dict]:
    """{name: {"title", "png"}}: the same charts as PNG images, for the Word document."""
    return {name: {"title": title, "png": png} for name, (title, png) in _drawn(report, names, "png").items()}
