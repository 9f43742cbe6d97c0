"""Time many counties: combining K simulated counties, replacing one, F1–F9 and eligibility per
county, and the Parquet export with a query over it; print a Markdown table.

    .venv/bin/python benchmarks/bench_combine.py [--counties 3] [--persons 2000] [--dir /tmp/qmbench/combine]

The counties (``county-<i>.duckdb``, seeds 1…K) are built once in ``--dir`` and reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import time
from pathlib import Path

import duckdb
from _common import table

import qingmiao_lib as qm
from qingmiao_lib import combine as cb


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counties", type=int, default=3)
    ap.add_argument("--persons", type=int, default=2000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/qmbench/combine"))
    args = ap.parse_args()
    from qingmiao_lib import synth

    args.dir.mkdir(parents=True, exist_ok=True)
    sources = []
    for i in range(1, args.counties + 1):
        path = args.dir / f"county-{args.persons}-{i}.duckdb"
        if not path.exists():
            synth.build(path, persons=args.persons, seed=i, progress=False)
        sources.append(cb.County(path, code=f"c{i}"))
    out = args.dir / f"prefecture-{args.persons}x{args.counties}.duckdb"
    out.unlink(missing_ok=True)
    rows = []
    seconds, _ = timed(lambda: cb.combine(out, sources))
    rows.append({"step": f"combine {args.counties} counties", "seconds": f"{seconds:.2f}"})
    seconds, _ = timed(lambda: cb.combine(out, sources[-1:]))
    rows.append({"step": "re-combine one county (others copied)", "seconds": f"{seconds:.2f}"})
    con = qm.connect(out)
    persons = con.execute("select count(*) from persons").fetchall()[0][0]
    seconds, _ = timed(lambda: qm.figures.headline(con, year=2023))
    rows.append({"step": "F1–F9 on the combined database", "seconds": f"{seconds:.2f}"})
    seconds, _ = timed(lambda: cb.headline_by_county(con, year=2023))
    rows.append({"step": "F1–F9 per county (own rules) + total", "seconds": f"{seconds:.2f}"})
    seconds, _ = timed(lambda: cb.eligibility_by_county(con, as_of=dt.date(2024, 3, 31)))
    rows.append({"step": "eligibility per county", "seconds": f"{seconds:.2f}"})
    folder = args.dir / "parquet"
    shutil.rmtree(folder, ignore_errors=True)
    seconds, _ = timed(lambda: cb.export_parquet(con, folder))
    con.close()
    size = sum(p.stat().st_size for p in folder.rglob("*.parquet"))
    rows.append({"step": f"export --parquet ({size / 2**20:.1f} MiB)", "seconds": f"{seconds:.2f}"})
    db = duckdb.connect()
    db.read_parquet(f"{folder}/annual_assessments/*/*.parquet", hive_partitioning=True).create_view("grades")
    seconds, _ = timed(lambda: db.execute(
        "select county, year, count(*) filter (where grade = '优秀') / count(*) filter (where grade <> '不定等次') "
        "from grades group by all").fetchall())
    rows.append({"step": "excellent share per county and year on Parquet", "seconds": f"{seconds:.2f}"})
    print(f"{args.counties} counties × {args.persons:,} persons at the start ({persons:,} persons in all)\n")
    print(table(rows, ["step", "seconds"]))


if __name__ == "__main__":
    main()
