"""`make bench`: every main page and API list timed at scale 1 and scale 10, against budgets.

What production runs: the database given by DATABASE_URL (PostgreSQL by default; a sqlite:/// URL runs it on
SQLite) and the production cache backend (the database cache), on a throwaway test database loaded with
`seed_demo` and then `seed_demo --scale 10`, so it never touches your data. Each case runs cold (caches
cleared, so chart drawing and other cached work is timed) and warm (median and p95 of several runs).
The table goes to bench/results.md (bench/results-sqlite.md on SQLite); the run fails when a budget breaks (see BUDGETS below).
`make bench ARGS="-k report"` runs only the matching cases (and leaves bench/results.md alone).
"""

import argparse
import gc
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("EPOCH_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

from bench.cases import API, CASES, DASHBOARD, DETAIL, LIST, PDF, REPORT, SCORECARDS, Case  # noqa: E402

SCALES = (1, 10)
# Budgets (issue #12): how much a case may slow down from scale 1 to scale 10, by kind; p95 at scale 10 for
# API calls and list pages; and each case's own target (median at scale 10) and query budget in bench/cases.py.
MAX_RATIO = {LIST: 1.5, DETAIL: 1.5, API: 1.5, DASHBOARD: 2.0, REPORT: 2.0, SCORECARDS: 2.0, PDF: 2.0}
MAX_P95_MS = {LIST: 150, API: 150}
# Below this many milliseconds a difference between the scales is the timer and the shared machine, not the
# data: a case whose median grows by less passes the ratio whatever the ratio says.
NOISE_MS = 3.0
PRODUCTION_CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "epoch_cache"}}
RESULTS = {
    "postgresql": Path(__file__).with_name("results.md"),
    "sqlite": Path(__file__).with_name("results-sqlite.md"),
}


@dataclass
class Measure:
    queries: int
    cold_ms: float
    median_ms: float
    p95_ms: float
    size: int = 0  # bytes of the page served (0 for cases that return no response)


@dataclass
class Row:
    case: Case
    by_scale: dict[int, Measure] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        """Median at scale 10 over median at scale 1, per byte served when the page grew: a list that holds
        fewer rows than a page at scale 1 (27 open follow-ups) and a full page at scale 10 (50 of 75) shows
        more, and is judged on what each row costs, not on having more rows to show. Pages are bounded, so
        this only forgives a part-filled page at scale 1, never growth beyond the page."""
        low, high = self.by_scale.get(SCALES[0]), self.by_scale.get(SCALES[-1])
        if not (low and high and low.median_ms):
            return None
        grew = high.size / low.size if low.size and high.size > low.size else 1.0
        return high.median_ms / low.median_ms / grew


def _clear_caches() -> None:
    for cache in caches.all():
        cache.clear()


def _timed(fn) -> float:
    gc.collect()  # each run starts from a collected heap, so no one run pays for the garbage of those before it
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def measure(fn, *, repeat: int, cold_runs: int) -> Measure:
    """Cold: each run after clearing the caches. Warm: median and p95 of `repeat` runs after one warm-up."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    served = fn()  # imports, templates, connection
    size = len(getattr(served, "content", b"") or b"")
    cold = []
    for _ in range(cold_runs):
        _clear_caches()
        cold.append(_timed(fn))
    fn()
    with connection.execute_wrapper(count):
        fn()
    warm = sorted(_timed(fn) for _ in range(repeat))
    p95 = statistics.quantiles(warm, n=20, method="inclusive")[18] if len(warm) > 1 else warm[0]
    return Measure(len(queries), statistics.median(cold), statistics.median(warm), p95, size)


def judge(row: Row) -> None:
    case, low, high = row.case, row.by_scale[SCALES[0]], row.by_scale[SCALES[-1]]
    if low.queries != high.queries:
        row.problems.append(f"queries {low.queries} -> {high.queries}")
    if high.queries > case.max_queries:
        row.problems.append(f"{high.queries} queries > {case.max_queries}")
    if high.median_ms > case.target_ms:
        row.problems.append(f"median {high.median_ms:.0f} ms > {case.target_ms}")
    limit = MAX_RATIO.get(case.kind)
    if limit and row.ratio and row.ratio > limit and high.median_ms - low.median_ms > NOISE_MS:
        row.problems.append(f"ratio {row.ratio:.2f} > {limit}")
    p95 = MAX_P95_MS.get(case.kind)
    if p95 and high.p95_ms > p95:
        row.problems.append(f"p95 {high.p95_ms:.0f} ms > {p95}")


def _seed(scale: int) -> None:
    """Load the demo at `scale` in a process of its own, as a server never holds the objects of a bulk load:
    timed in the same process, every page at scale 10 paid for the seeding's heap (even matching, which reads
    no data, came out 1.6 times slower)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    connection.close()
    manage = Path(__file__).resolve().parent.parent / "manage.py"
    subprocess.run(
        [sys.executable, str(manage), "seed_demo", "--scale", str(scale)],
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        check=True,
    )


def _volumes() -> str:
    from capabilities.models import Centre, CentreCapability
    from engagements.models import Engagement
    from feasibility.models import FeasibilityRequest, Invitation

    return (
        f"{Centre.objects.count()} centres, {CentreCapability.objects.count():,} capability levels, "
        f"{FeasibilityRequest.objects.count():,} requests, {Invitation.objects.count():,} invitations, "
        f"{Engagement.objects.count():,} engagements"
    )


def _kb(m: Measure) -> str:
    return f"{m.size / 1024:.0f}" if m.size else "–"


def write_results(rows: list[Row], volumes: dict[int, str], path: Path) -> None:
    low, high = SCALES[0], SCALES[-1]
    vendor = connection.vendor if connection.vendor != "postgresql" else f"PostgreSQL {connection.pg_version // 10000}"
    lines = [
        "# `make bench` results",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {vendor}, cache "
        f"`{PRODUCTION_CACHES['default']['BACKEND'].rsplit('.', 2)[-2]}`, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at the end: the machine is shared).",
        "",
        *(f"- scale {scale}: {text}" for scale, text in volumes.items()),
        "",
        "Times in milliseconds; KB: the page served. Cold: caches cleared before the run. Median and p95: warm runs. "
        f"Ratio: median at scale {high} / median at scale {low}, per KB served where a list not yet a full page at "
        f"scale {low} shows more rows at scale {high}. Budgets: queries identical at both scales and within the case's "
        "budget; median ratio <= 1.5 for lists, detail pages and API calls, <= 2 for dashboards, the report, "
        f"scorecards and PDFs (a growth under {NOISE_MS:.0f} ms is timer noise); p95 < 150 ms for API calls and "
        "lists at scale 10; each case's own median target (PDFs 3 s, office home 150 ms / 25 queries).",
        "",
        f"| case | kind | queries | KB {low} | KB {high} | cold {low} | cold {high} | median {low} | median {high} | "
        f"p95 {high} | ratio | budget |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        a, b = row.by_scale[low], row.by_scale[high]
        queries = f"{a.queries}" if a.queries == b.queries else f"{a.queries} → {b.queries}"
        ratio = f"{row.ratio:.2f}" if row.ratio else "–"
        verdict = "ok" if not row.problems else "**" + "; ".join(row.problems) + "**"
        lines.append(
            f"| {row.case.name} | {row.case.kind} | {queries} | {_kb(a)} | {_kb(b)} | {a.cold_ms:.1f} | {b.cold_ms:.1f} | "
            f"{a.median_ms:.1f} | {b.median_ms:.1f} | {b.p95_ms:.1f} | {ratio} | {verdict} |"
        )
    failed = sum(bool(r.problems) for r in rows)
    lines += ["", f"{failed} of {len(rows)} cases missed a budget." if failed else "Every case within budget."]
    path.write_text("\n".join(lines) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-k", default="", help="run only cases whose name contains this")
    parser.add_argument("--repeat", type=int, default=15, help="warm runs per case (PDFs: a third)")
    parser.add_argument("--cold", type=int, default=3, help="cold runs per case")
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="where to write the table (default bench/results.md on PostgreSQL, bench/results-sqlite.md on SQLite)",
    )
    args = parser.parse_args()
    results = args.results or (None if args.k else RESULTS[connection.vendor])
    cases = [case for case in CASES if args.k in case.name]

    setup_test_environment()
    if connection.vendor == "sqlite":
        # A file, as production would have, not the test runner's in-memory database.
        connection.settings_dict["TEST"]["NAME"] = os.path.join(tempfile.gettempdir(), "epoch-bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    rows = [Row(case) for case in cases]
    volumes: dict[int, str] = {}
    try:
        with override_settings(CACHES=PRODUCTION_CACHES):
            call_command("createcachetable", verbosity=0)
            for scale in SCALES:
                print(f"Loading the demo network at scale {scale}…", flush=True)
                _seed(scale)
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
                volumes[scale] = _volumes()
                print(f"  {volumes[scale]}")
                print(f"{'case':52} {'queries':>7} {'cold ms':>9} {'median':>8} {'p95':>8}")
                for row in rows:
                    client = Client()
                    fn = row.case.setup(client)
                    repeat = max(3, args.repeat // 3) if row.case.kind == PDF else args.repeat
                    m = row.by_scale[scale] = measure(fn, repeat=repeat, cold_runs=args.cold)
                    print(f"{row.case.name:52} {m.queries:7} {m.cold_ms:9.1f} {m.median_ms:8.1f} {m.p95_ms:8.1f}")
        for row in rows:
            judge(row)
        if results:
            write_results(rows, volumes, results)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    failed = [row for row in rows if row.problems]
    for row in failed:
        print(f"  <-- missed: {row.case.name}: {'; '.join(row.problems)}")
    print(f"{len(failed)} of {len(rows)} cases missed a budget." if failed else "Every case within budget.")
    if results:
        print(f"Table written to {results}.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
