"""The benchmarks: a name, a setup that returns the callable to time, a target and a query budget.

Targets are for the demo network (29 centres, ~130 requests, ~300 engagements) on this 2-core machine;
they leave room for a slower disk, not for a query per row.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from crm.models import User


@dataclass
class Case:
    name: str
    setup: Callable
    target_ms: int
    max_queries: int


def page(path, username: str = "alice", status: int = 200):
    """GET a page (or a callable returning its path, resolved on the demo data) as a user."""

    def setup(client):
        client.force_login(User.objects.get(username=username))
        url = path() if callable(path) else path

        def get():
            response = client.get(url)
            assert response.status_code == status, (url, response.status_code)

        return get

    return setup


def call(fn_factory):
    def setup(client):
        return fn_factory()

    return setup


def _latest_request_path(suffix: str = "") -> str:
    from feasibility.models import FeasibilityRequest

    request = FeasibilityRequest.objects.filter(invitations__isnull=False).order_by("-received_on").first()
    return f"/requests/{request.pk}/{suffix}"


def _leeds_path() -> str:
    from capabilities.models import Centre

    return f"/centres/{Centre.objects.get(code='leeds').pk}/"


def _specs(n: int = 50):
    from feasibility import services
    from feasibility.models import FeasibilityRequest

    requests = FeasibilityRequest.objects.prefetch_related("requirements__capability", "tumour_types")[:n]
    return [services.request_spec(r) for r in requests]


def _pure_matching():
    """Matching alone (feasibility/matching.py): 50 requests against every centre, profiles loaded once."""
    from feasibility import matching, services

    specs, profiles = _specs(), services.centre_profiles()
    return lambda: [matching.match_centres(spec, profiles) for spec in specs]


def _matching_one_change():
    """What triage pays on each change of requirements: load the centres' profiles, then match."""
    from feasibility import services

    spec = _specs(1)[0]
    return lambda: services.matches_for_spec(spec)


def _matching_30_by_300():
    """One request against 30 centres holding 300 capabilities each, with expiry, thresholds and partners."""
    from feasibility import matching

    today = datetime.date(2026, 6, 1)
    codes = [f"cap.c{i:03d}" for i in range(300)]
    levels = ("available", "limited", "planned")
    centres = [
        matching.CentreProfile(
            id=i,
            name=f"Centre {i:02d}",
            levels={"adult": "available", **{c: levels[(i + j) % 3] for j, c in enumerate(codes)}},
            quantities={c: (i * 7 + j) % 40 for j, c in enumerate(codes[:30])},
            expires={c: today + datetime.timedelta(days=(i * 13 + j) % 400 - 100) for j, c in enumerate(codes[30:60])},
            partner_ids=[i + 1] if i % 2 == 0 else [i - 1],
            past_invitations=i % 7,
            answered_on_time=i % 5,
        )
        for i in range(30)
    ]
    spec = matching.RequestSpec(
        populations=["adult", "paediatric"],
        required=codes[:20] + codes[30:35],
        preferred=codes[40:80],
        tumour_types=codes[200:204],
        thresholds={c: matching.Threshold(at_most=25) for c in codes[:10]},
        names={c: f"Capability {c}" for c in codes},
        today=today,
        planned_start=today + datetime.timedelta(days=90),
    )
    return lambda: matching.match_centres(spec, centres)


def _annual_report_figures():
    from crm.reports import annual_report

    year = timezone.localdate().year - 1
    return lambda: annual_report(year)


def _annual_report_pdf():
    from crm.report_pdf import build_pdf

    year = timezone.localdate().year - 1
    return lambda: build_pdf(year)


def _last_year() -> int:
    return (timezone.localdate() - datetime.timedelta(days=365)).year


CASES = [
    Case("home dashboard (programme office)", page("/home/"), 200, 40),
    Case("home dashboard (viewer)", page("/home/", "victor"), 200, 40),
    Case("home dashboard (centre staff)", page("/home/", "bob"), 100, 25),
    Case("search 'oncology'", page("/search/?q=oncology"), 100, 20),
    Case("organisations list", page("/organisations/"), 150, 20),
    Case("engagements list", page("/engagements/"), 150, 20),
    Case("requests list", page("/requests/"), 150, 20),
    Case("request detail with matches (29 centres)", page(lambda: _latest_request_path()), 250, 40),
    Case("requests to answer (centre staff)", page("/requests/to-answer/", "bob"), 100, 20),
    Case("centre profile", page(_leeds_path), 200, 25),
    Case("capability matrix (29 centres x 80 capabilities)", page("/centres/matrix/"), 600, 15),
    Case("API requests list (page of 50)", page("/api/v1/feasibility-requests/"), 150, 15),
    Case("API centres list", page("/api/v1/centres/"), 150, 10),
    Case("matching alone: 50 requests x 29 centres", call(_pure_matching), 100, 0),
    Case("matching on a change of requirements", call(_matching_one_change), 50, 4),
    Case("matching one request: 30 centres x 300 capabilities", call(_matching_30_by_300), 20, 0),
    Case("annual report figures", call(_annual_report_figures), 150, 30),
    Case("annual report page", page(lambda: f"/reports/annual/{_last_year()}/"), 300, 40),
    Case("annual report PDF", call(_annual_report_pdf), 6000, 40),
]
