"""crm/charts.py: every chart draws, for an empty year and a full one, the same way each time."""

import base64
import datetime

import pytest
from django.core.cache import cache

from crm import charts
from crm.reports import annual_report, year_so_far
from tests.factories import (
    CentreFactory,
    CentreResponseFactory,
    EngagementFactory,
    EventFactory,
    FeasibilityRequestFactory,
    InvitationFactory,
)

pytestmark = pytest.mark.django_db


def test_it_draws_every_chart_for_an_empty_year():
    drawn = charts.all_charts(annual_report(2019))
    assert set(drawn) == set(charts.CHARTS)
    for chart in drawn.values():
        assert chart["svg"].lstrip().startswith("<?xml") and "<svg" in chart["svg"]
        assert base64.b64decode(chart["src"].split(",", 1)[1]).decode() == chart["svg"]


def test_it_draws_the_same_svg_for_the_same_figures():
    event = EventFactory(starts_on=datetime.date(2025, 5, 1), name="ASCO")
    EngagementFactory(occurred_on=datetime.date(2025, 5, 2), event=event)
    CentreResponseFactory(
        invitation=InvitationFactory(centre=CentreFactory(), request__received_on=datetime.date(2025, 5, 3))
    )
    report = annual_report(2025)
    first = charts.all_charts(report)
    cache.clear()  # draw again rather than read the cached drawing
    second = charts.all_charts(report)
    assert all(first[name]["svg"] == second[name]["svg"] for name in first)
    assert first["events"]["svg"] != charts.all_charts(annual_report(2019), ["events"])["events"]["svg"]


def test_it_draws_the_year_so_far():
    drawn = charts.all_charts(year_so_far(datetime.date(2026, 3, 15)), ["engagements_by_month"])
    assert "<svg" in drawn["engagements_by_month"]["svg"]


def test_it_says_so_when_no_organisation_was_engaged_in_either_year():
    assert "No organisations engaged in either year" in charts.organisations(annual_report(2019))
    EngagementFactory(occurred_on=datetime.date(2018, 5, 2))
    assert "No organisations engaged" not in charts.organisations(annual_report(2019))


def test_it_shortens_long_bar_labels_readably():
    assert charts._label("London Great Ormond Street Paediatric ECMC") == "London Great Ormond Street Paed. ECMC"
    assert charts._label("x" * 60).endswith("…") and len(charts._label("x" * 60)) == 42


def test_it_draws_a_chart_once_for_the_same_figures(monkeypatch):
    cache.clear()
    drawn = []
    title, draw = charts.CHARTS["engagements_by_month"]
    monkeypatch.setitem(charts.CHARTS, "engagements_by_month", (title, lambda report: drawn.append(1) or draw(report)))
    figures = annual_report(2019)
    first = charts.all_charts(figures, ["engagements_by_month"])
    again = charts.all_charts(figures, ["engagements_by_month"])
    assert first == again and len(drawn) == 1
    figures["engagements"]["by_month"][0] = 5  # other figures, another drawing
    charts.all_charts(figures, ["engagements_by_month"])
    assert len(drawn) == 2


def test_it_explains_the_colours_of_the_answer_rates_in_a_legend():
    CentreResponseFactory(
        invitation=InvitationFactory(centre=CentreFactory(), request__received_on=datetime.date(2025, 5, 3))
    )
    svg = charts.all_charts(annual_report(2025), ["centre_responses"])["centre_responses"]["svg"]
    for band in ("90% or more answered", "50% to under 90%", "under 50%"):
        assert band in svg


def test_it_draws_the_set_up_target_line_behind_the_figures():
    from matplotlib.figure import Figure

    report = annual_report(2019)
    report["setup"] |= {"pct_open_within_60": 88.0, "pct_first_within_30": 91.0, "pct_within_150": None}
    drawn = {}
    original = Figure.savefig
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Figure, "savefig", lambda fig, *a, **k: drawn.setdefault("fig", fig) and original(fig, *a, **k))
        charts.setup_targets(report)
    ax = drawn["fig"].axes[0]
    line = ax.lines[0]
    labels = [t for t in ax.texts if t.get_text().endswith("%") or t.get_text() == "–"]
    assert {t.get_text() for t in labels} >= {"88%", "91%", "–"}
    # Every figure sits above the target line on a white label, so the line never strikes through it.
    assert all(
        t.get_zorder() > line.get_zorder() and t.get_bbox_patch().get_facecolor()[:3] == (1, 1, 1) for t in labels
    )


def test_it_starts_the_history_chart_at_the_first_year_with_requests():
    FeasibilityRequestFactory(received_on=datetime.date(2024, 5, 3))
    report = annual_report(2025)
    assert [h["label"] for h in report["history"]] == ["2024", "2025"]
