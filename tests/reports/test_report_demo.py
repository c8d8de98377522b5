"""crm/report_demo.py: last year's narrative for the demo, rerunnable."""

import pytest
from django.utils import timezone

from crm import report_demo
from crm.models import ReportNarrative
from tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db


def test_it_writes_last_years_narrative_once(alice):
    last_year = timezone.localdate().year - 1
    EngagementFactory(occurred_on=timezone.localdate().replace(year=last_year, month=6, day=1))
    assert report_demo.seed(users={"alice": alice}, centres={}) == {"report narratives": 1}
    narrative = ReportNarrative.objects.get(year=last_year, financial_year=False)
    assert "logged 1 engagements" in narrative.summary or "logged 1 engagement" in narrative.summary
    assert narrative.highlights.count("\n") == 4 and narrative.plans
    assert narrative.history.first().history_user == alice
    assert report_demo.seed(users={"alice": alice}, centres={}) == {"report narratives": 0}
    assert ReportNarrative.objects.count() == 1


def test_it_says_which_set_up_targets_were_met_and_which_fell_short():
    from crm.reports import annual_report

    report = annual_report(2019)
    report["setup"] |= {
        "pct_approval_within_target": 94.1,
        "pct_open_within_60": 80.0,
        "pct_first_within_30": 90.0,
        "pct_within_150": None,
    }
    summary = report_demo._words(report)["summary"]
    assert "fell short of the UK's 90% on sites open within 60 days (80%)" in summary
    assert "meeting it on approval within 60 days (90 for advanced therapies) (94.1%) and first participants" in summary
    assert "150 days" not in summary
