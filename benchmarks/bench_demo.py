"""Scale benchmark of the foundation: demo build time and peak memory, and the headline
figures' query time, at several sizes. Measured here, never asserted in timed tests.

usage: python benchmarks/bench_demo.py [--persons 2000 100000 1000000] [--keep DIR]

Each build runs in its own process (`qingmiao demo`), so its peak resident memory is that
process's own. Results go to benchmarks/results/bench_demo.json and a Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent



def build(path: Path, persons: int) -> tuple[float, float]:
    """Build a demo county; return (seconds, peak MiB) of the building process."""
    script = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "subprocess.run([sys.executable, '-m', 'qingmiao_lib.cli', 'demo', '--db', sys.argv[1], "
        "'--persons', sys.argv[2], '--quiet', '--force'], check=True, stdout=subprocess.DEVNULL); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", script, str(path), str(persons)],
                         check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def time_query(fn, repeat: int = 7) -> float:
    fn()  # warm
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, nargs="+", default=[2000, 100_000, 1_000_000])
    ap.add_argument("--keep", type=Path, default=None, help="keep the databases in this folder")
    args = ap.parse_args()

    import datetime as dt

    import qingmiao_lib as qm

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for n in args.persons:
            path = folder / f"demo-{n}.duckdb"
            seconds, peak = build(path, n)
            con = qm.connect(path)
            headline = time_query(lambda c=con: qm.figures.headline(c, year=2023))
            pyramid = time_query(lambda c=con: qm.structure.age_pyramid(
                c, as_of=dt.date(2023, 12, 31), band_years=1, young_only=True))
            size = path.stat().st_size / 2**20
            persons_rows = con.execute("select count(*) from persons").fetchall()[0][0]
            con.close()
            rows.append({"persons": n, "persons_rows": persons_rows, "build_s": round(seconds, 1),
                         "build_peak_mib": round(peak), "db_mib": round(size),
                         "headline_ms": round(headline, 1), "age_pyramid_ms": round(pyramid, 1)})
            print(f"done {n}: {rows[-1]}", file=sys.stderr)
    result = {"machine": f"{platform.machine()} {platform.python_version()}",
              "when": time.strftime("%Y-%m-%d %H:%M"), "rows": rows}
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "bench_demo.json").write_text(json.dumps(result, indent=2))
    print("| persons | build s | build peak MiB | db MiB | figures.headline ms | age_pyramid ms |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['persons']:,} | {r['build_s']} | {r['build_peak_mib']:,} | {r['db_mib']:,} "
              f"| {r['headline_ms']} | {r['age_pyramid_ms']} |")


if __name__ == "__main__":
    main()
