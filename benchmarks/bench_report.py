"""Benchmark of the reports (issue 8): the county report's build time and size, and the batch of
unit reports for every unit.

    python benchmarks/bench_report.py                      # /tmp/qmbench/demo-2000.duckdb
    python benchmarks/bench_report.py DB.duckdb [--year 2023]

Targets: the county report ≤ 20 s and ≤ 8 MB at the demo scale; every unit's report ≤ 3 min.
Each run is a fresh process (``qingmiao report``), as a user runs it: imports included.
"""

from __future__ import annotations

import argparse
import json
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
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "county.html"
        county = [timed(["report", "--db", args.db, "--year", str(args.year), "--out", str(out)])
                  for _ in range(3)]
        size = out.stat().st_size
        batch_dir = Path(tmp) / "units"
        batch = timed(["report", "--db", args.db, "--year", str(args.year), "--by-unit",
                       "--out", str(batch_dir)])
        files = [p for p in batch_dir.glob("*.html") if p.name != "index.html"]
        sizes = sorted(p.stat().st_size for p in files)
    row = {
        "db": args.db, "year": args.year,
        "county_report_s_median": round(sorted(county)[1], 1),
        "county_report_mb": round(size / 1e6, 2),
        "unit_reports": len(files),
        "batch_s": round(batch, 1),
        "unit_report_mb_max": round(sizes[-1] / 1e6, 2) if sizes else None,
    }
    print(json.dumps(row, ensure_ascii=False, indent=2))
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "bench_report.json").write_text(json.dumps(row, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
