"""The benchmarks: a name, a kind (which budget applies), a setup returning the callable to time, and an
absolute target (median milliseconds at scale 10, warm) with a query budget.

Kinds and their budgets are in bench/__main__.py (BUDGETS). Keep a case to one line: the matching engineer
and others add theirs here.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from crm.models import User

LIST, DETAIL, API, DASHBOARD, REPORT, SCORECARDS, PDF, MATCHING = (
    "list", "detail", "api", "dashboard", "report", "scorecards", "pdf", "matching",
)  # fmt: skip


@dataclass
class Case:
    name: str
    kind: str
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
            return response

        return get

    return setup


def call(fn_factory):
    def setup(client):
        return fn_factory()

    return setup


def _latest_request_path(suffix: str = "") -> str:
    from feasibility.models import FeasibilityRequest

    request = FeasibilityRequest.objects.filter(invitations__isnull=False).order_by("-received_on", "-id").first()
    return f"/requests/{request.pk}/{suffix}"


def _centre_path(prefix: str = "centres") -> Callable[[], str]:
    def path() -> str:
        from capabilities.models import Centre

        return f"/{prefix}/{Centre.objects.get(code='leeds').pk}/"

    return path


def _latest_engagement_path() -> str:
    from engagements.models import Engagement

    return f"/engagements/{Engagement.objects.order_by('-occurred_on', '-id').first().pk}/"


def _biggest_organisation_path() -> str:
    from django.db.models import Count

    from engagements.models import Organisation

    org = Organisation.objects.annotate(n=Count("engagements")).order_by("-n", "pk").first()
    return f"/organisations/{org.pk}/"


def _specs(n: int = 50):
    from feasibility import services
    from feasibility.models import FeasibilityRequest

    requests = FeasibilityRequest.objects.prefetch_related("requirements__capability", "tumour_types").order_by(
        "-received_on", "-id"
    )[:n]
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


def _last_year() -> int:
    return (timezone.localdate() - datetime.timedelta(days=365)).year


def _annual_report_figures():
    from crm.reports import annual_report

    return lambda: annual_report(_last_year())


def _annual_report_pdf():
    from crm.report_pdf import build_pdf

    return lambda: build_pdf(_last_year())


def _directory_pdf():
    from capabilities.models import Centre
    from capabilities.pdf import cached_directory_pdf

    return lambda: cached_directory_pdf(Centre.objects.active())


CASES = [
    Case("home dashboard (programme office)", DASHBOARD, page("/home/"), 150, 25),
    Case("home dashboard (viewer)", DASHBOARD, page("/home/", "victor"), 150, 25),
    Case("home dashboard (centre staff)", DASHBOARD, page("/home/", "bob"), 100, 25),
    Case("search 'oncology'", LIST, page("/search/?q=oncology"), 100, 20),
    Case("organisations list", LIST, page("/organisations/"), 100, 20),
    Case("organisation detail (most engaged)", DETAIL, page(_biggest_organisation_path), 150, 30),
    Case("contacts list", LIST, page("/contacts/"), 100, 20),
    Case("events list", LIST, page("/events/"), 100, 20),
    Case("engagements list", LIST, page("/engagements/"), 100, 20),
    Case("engagement detail", DETAIL, page(_latest_engagement_path), 100, 25),
    Case("follow-ups list", LIST, page("/follow-ups/"), 100, 20),
    Case("requests list", LIST, page("/requests/"), 100, 20),
    Case("request detail with matches (29 centres)", DETAIL, page(lambda: _latest_request_path()), 250, 40),
    Case("outstanding answers", LIST, page("/requests/outstanding/"), 100, 20),
    Case("requests to answer (centre staff)", LIST, page("/requests/to-answer/", "bob"), 100, 20),
    Case("centre directory (29 centres)", LIST, page("/centres/"), 100, 15),
    Case("centre profile", DETAIL, page(_centre_path()), 150, 25),
    Case("capability matrix (29 centres x 80 capabilities)", LIST, page("/centres/matrix/"), 150, 15),
    Case("scorecards list", SCORECARDS, page("/scorecards/"), 150, 15),
    Case("scorecard of one centre", SCORECARDS, page(_centre_path("scorecards")), 150, 20),
    Case("API organisations list", API, page("/api/v1/organisations/"), 100, 15),
    Case("API contacts list", API, page("/api/v1/contacts/"), 100, 15),
    Case("API events list", API, page("/api/v1/events/"), 100, 15),
    Case("API engagements list", API, page("/api/v1/engagements/"), 100, 15),
    Case("API follow-ups list", API, page("/api/v1/follow-ups/"), 100, 15),
    Case("API centres list", API, page("/api/v1/centres/"), 100, 10),
    Case("API capabilities list", API, page("/api/v1/capabilities/"), 100, 10),
    Case("API centre capabilities list", API, page("/api/v1/centre-capabilities/"), 100, 10),
    Case("API requests list (page of 50)", API, page("/api/v1/feasibility-requests/"), 100, 15),
    Case("API invitations list", API, page("/api/v1/invitations/"), 100, 15),
    Case("API annual report JSON", REPORT, page(lambda: f"/api/v1/reports/annual/{_last_year()}/"), 250, 40),
    Case("matching alone: 50 requests x 29 centres", MATCHING, call(_pure_matching), 100, 0),
    Case("matching on a change of requirements", MATCHING, call(_matching_one_change), 20, 4),
    Case("matching one request: 30 centres x 300 capabilities", MATCHING, call(_matching_30_by_300), 20, 0),
    Case("annual report figures", REPORT, call(_annual_report_figures), 150, 30),
    Case("annual report page", REPORT, page(lambda: f"/reports/annual/{_last_year()}/"), 300, 40),
    Case("annual report PDF", PDF, call(_annual_report_pdf), 3000, 40),
    Case("network directory PDF (29 centres)", PDF, call(_directory_pdf), 3000, 10),
]
