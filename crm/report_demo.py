"""Demo narrative for last year's Industry Engagement Report, written around that year's demo figures.

Rerunnable: a narrative already there (perhaps edited or published in the demo) is left alone.
"""

from django.utils import timezone

from crm import kpis, reports, services
from crm.models import ReportNarrative


def _pct(value) -> str:
    return "–" if value is None else f"{value:g}%"


def _words(report: dict) -> dict[str, str]:
    eng, feas, setup = report["engagements"], report["feasibility"], report["setup"]
    before = report["previous_year"]
    busiest = max(range(12), key=lambda i: eng["by_month"][i])
    busiest_month = kpis.period_for(report["year"]).months[busiest].strftime("%B")
    top_modality = max(feas["by_modality"].items(), key=lambda item: item[1])[0].replace("_", " ")
    stages = [
        ("approval within 60 days (90 for advanced therapies)", setup["pct_approval_within_target"]),
        ("sites open within 60 days", setup["pct_open_within_60"]),
        ("first participants within 30 days of opening", setup["pct_first_within_30"]),
        ("studies recruiting within 150 days of submission", setup["pct_within_150"]),
    ]
    met = [f"{name} ({_pct(share)})" for name, share in stages if share is not None and share >= 90]
    short = [f"{name} ({_pct(share)})" for name, share in stages if share is not None and share < 90]
    setup_words = "For commercial studies, judged on the day each target was met or missed, "
    if short:
        setup_words += f"the network fell short of the UK's 90% on {' and '.join(short)}"
        setup_words += f", while meeting it on {' and '.join(met)}." if met else "."
    elif met:
        setup_words += f"the network met the UK's 90% on every stage: {', '.join(met)}."
    else:
        setup_words += "no set-up target was decided this year."
    summary = (
        f"{report['label']} was a year of steady growth for the network's work with industry. The Programme Office "
        f"logged {eng['total']} engagements with {eng['organisations_engaged']} industry organisations "
        f"({before['engagements']['total']} with {before['engagements']['organisations_engaged']} the year before), "
        f"{eng['organisations_new']} of them companies meeting the network for the first time, and worked with "
        f"{eng['partners_engaged']} partner organisations. {busiest_month} was the busiest month, carried by the "
        "autumn congress season and our own industry roundtables.\n\n"
        f"We received {feas['received']} trial opportunities and circulated {feas['circulated']} to the centres able to "
        f"run them. At least one centre expressed interest in {feas['with_interest']} of those circulated "
        f"({_pct(feas['with_interest_pct'])}, against {_pct(before['feasibility']['with_interest_pct'])} the year "
        f"before), the network's headline measure of how well it answers industry. Centres answered in a median of "
        f"{feas['median_response_days'] if feas['median_response_days'] is not None else '–'} days from routing, and "
        f"{feas['placed']} studies were placed in the network.\n\n"
        f"{setup_words} {setup['participants_to_date']} participants have been recruited so far to the commercial "
        "studies placed this year."
    )
    highlights = "\n".join(
        [
            f"- {feas['received']} opportunities received, {_pct(feas['with_interest_pct'])} with a centre interested",
            f"- {eng['organisations_new']} industry organisations engaged for the first time",
            f"- {eng['events_attended']} conferences attended and {eng['events_hosted']} events hosted by the network",
            f"- {feas['by_community'].get('paediatric', 0)} opportunities open to children, with the paediatric "
            f"network, and {feas['by_community'].get('haematology', 0)} in haematological cancers",
            f"- {top_modality.capitalize()} was the most frequent modality",
        ]
    )
    plans = (
        "Bring the median time to answer a request under seven days by routing on the day a request is triaged and "
        "reminding centres two working days before the deadline.\n\n"
        "Work with the centres that missed the 60-day site-opening target on a shared contracting and costing "
        "checklist, and report set-up times to the centres every quarter.\n\n"
        "Hold two industry roundtables on radioligand and cell therapies, where the network's capabilities are least "
        "known to sponsors."
    )
    return {"summary": summary, "highlights": highlights, "plans": plans}


def seed(*, users, centres) -> dict[str, int]:
    year = kpis.last_complete_year(timezone.localdate())
    if ReportNarrative.objects.filter(year=year, financial_year=False).exists():
        return {"report narratives": 0}
    author = users.get("alice") or next(u for u in users.values() if u.is_programme_office)
    services.report_narrative_save(actor=author, year=year, **_words(reports.annual_report(year)))
    return {"report narratives": 1}
