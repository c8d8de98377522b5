"""crm/charts.py: every chart draws, for an empty year and a full one, the same way each time."""

import base64
import datetime

import pytest
from django.core.cache import cache

from crm import charts
from crm.reports import annual_report, year_so_far
from tests.factories import CentreFactory, CentreResponseFactory, EngagementFactory, EventFactory, InvitationFactory

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
