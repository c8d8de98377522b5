"""`make bench`: time the hot paths on the demo network and count their queries, against targets.

Runs on a throwaway test database loaded with `seed_demo`, so it never touches your data.
Each benchmark names a target (milliseconds, median of several runs) and a query budget; the run
fails when one is missed. `make bench ARGS="-k report"` runs only the matching benchmarks.
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("EPOCH_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.cases import CASES  # noqa: E402


def measure(fn, repeat: int) -> tuple[float, int, float]:
    """Median milliseconds over `repeat` runs, queries of one run, and peak traced memory of one run."""
    fn()  # warm up caches and imports
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    # Memory is traced in a run of its own: tracing slows Python down several times.
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), len(queries), peak / 1024 / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-k", default="", help="run only benchmarks whose name contains this")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failed = 0
    try:
        print("Loading the demo network…", flush=True)
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        client = Client()
        print(f"{'benchmark':48} {'median ms':>10} {'target':>8} {'queries':>8} {'budget':>7} {'peak MB':>8}")
        for case in CASES:
            if args.k not in case.name:
                continue
            fn = case.setup(client)
            ms, n_queries, peak = measure(fn, args.repeat)
            ok = ms <= case.target_ms and n_queries <= case.max_queries
            failed += not ok
            mark = "" if ok else "  <-- missed"
            print(f"{case.name:48} {ms:10.1f} {case.target_ms:8} {n_queries:8} {case.max_queries:7} {peak:8.1f}{mark}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"{failed} missed" if failed else "All benchmarks within target.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
