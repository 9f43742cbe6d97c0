"""Benchmark of the reports (issues 8, 18, 19): the county report's build time, size and time per
section, and the batch of unit reports (time per page, page size, files written).

    python benchmarks/bench_report.py                          # /tmp/qmbench/demo-2000.duckdb
    python benchmarks/bench_report.py DB.duckdb [--year 2023] [--repeat 3] [--batch N]

Targets: the county report ≤ 20 s and ≤ 8 MB at the demo scale, ≤ 2 min at 200,000 persons in
10,000 units (issue 19); every unit's report ≤ 3 min at the demo scale; each unit page ≤ 1 MB
beside one shared plotly.min.js (issue 18).

The county report runs as a user runs it (``qingmiao report`` in a fresh process, imports
included), ``--repeat`` times (median); then once in this process for the time per section
(``report.write_report(timings=…)``). The batch writes the ``--batch`` largest units' pages
(default: every unit up to 200 units, else 20) in one process, so its time per page is the
cost of a page without the parallel workers (``qingmiao report --by-unit`` uses one per CPU).
The machine's load average is printed beside the times: a loaded machine stretches wall times.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QINGMIAO = [sys.executable, "-m", "qingmiao_lib.cli"]


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([*QINGMIAO, *argv], check=True, capture_output=True, text=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", nargs="?", default="/tmp/qmbench/demo-2000.duckdb")
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--repeat", type=int, default=3, help="county report runs in a fresh process (median)")
    ap.add_argument("--batch", type=int, default=None,
                    help="unit pages to write (the largest units; default all up to 200, else 20)")
    args = ap.parse_args()

    import qingmiao_lib as qm
    from qingmiao_lib import report

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "county.html"
        county = [timed(["report", "--db", args.db, "--year", str(args.year), "--out", str(out)])
                  for _ in range(max(1, args.repeat))]
        size = out.stat().st_size
        con = qm.connect(args.db)
        sections: dict[str, float] = {}
        start = time.perf_counter()
        report.write_report(con, year=args.year, out=Path(tmp) / "again.html", timings=sections)
        in_process = time.perf_counter() - start
        staffed = con.execute(
            "select unit_id, count(*) from posts where start_date <= $d and (end_date is null or end_date > $d) "
            "group by 1 order by 2 desc, 1", {"d": f"{args.year}-12-31"}).fetchall()
        n = args.batch if args.batch is not None else (len(staffed) if len(staffed) <= 200 else 20)
        chosen = [u for u, _ in staffed[:n]]
        batch_dir = Path(tmp) / "units"
        start = time.perf_counter()
        report.write_unit_reports(con, year=args.year, out_dir=batch_dir, units=chosen, progress=False,
                                  workers=1)
        batch = time.perf_counter() - start
        con.close()
        files = sorted(batch_dir.iterdir())
        pages = [p for p in files if p.suffix == ".html" and p.name != "index.html"]
        sizes = sorted(p.stat().st_size for p in pages)
        shared_js = (batch_dir / report.PLOTLY_FILE).stat().st_size
    row = {
        "db": args.db, "year": args.year, "load_average_1min": round(os.getloadavg()[0], 1),
        "staffed_units": len(staffed),
        "county_report_s_median": round(statistics.median(county), 1),
        "county_report_s_runs": [round(t, 1) for t in county],
        "county_report_mb": round(size / 1e6, 2),
        "county_in_process_s": round(in_process, 1),
        "county_seconds_per_part": {k: round(v, 2) for k, v in sections.items()},
        "unit_pages": len(pages),
        "batch_files": len(files),
        "batch_s_one_process": round(batch, 1),
        "batch_s_per_page": round(batch / max(1, len(pages)), 2),
        "unit_page_kb_max": round(sizes[-1] / 1e3) if sizes else None,
        "unit_page_kb_median": round(sizes[len(sizes) // 2] / 1e3) if sizes else None,
        "shared_plotly_js_mb": round(shared_js / 1e6, 2),
    }
    print(json.dumps(row, ensure_ascii=False, indent=2))
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / f"bench_report-{Path(args.db).stem}.json").write_text(
        json.dumps(row, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
