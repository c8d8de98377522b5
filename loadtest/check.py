"""Read locust's stats CSV: print each page's figures and fail unless there were no errors and the overall
95th percentile is under the target (500 ms by default, LOAD_P95_MS to change)."""

import csv
import os
import sys

TARGET = int(os.environ.get("LOAD_P95_MS", "500"))
rows = list(csv.DictReader(open(sys.argv[1])))  # noqa: SIM115
print(f"{'page':<45} {'requests':>8} {'failures':>8} {'median':>7} {'p95':>6} {'max':>7}")
for row in rows:
    print(
        f"{row['Name'][:45]:<45} {row['Request Count']:>8} {row['Failure Count']:>8} {row['50%']:>7} {row['95%']:>6} "
        f"{float(row['Max Response Time']):>7.0f}"
    )
total = next(row for row in rows if row["Name"] == "Aggregated")
failures, p95 = int(total["Failure Count"]), float(total["95%"])
slow = [row["Name"] for row in rows if row["Name"] != "Aggregated" and float(row["95%"]) >= TARGET]
print(
    f"\n{total['Request Count']} requests, {failures} failed, p95 {p95:.0f} ms (target < {TARGET} ms), {float(total['Requests/s']):.1f} req/s"
)
if slow:
    print("Pages at or over the target at p95: " + ", ".join(slow))
sys.exit(0 if failures == 0 and p95 < TARGET else 1)
