"""Benchmark of ``qingmiao_lib.pipeline``: median wall time of every public function at each scale.

    python benchmarks/bench_pipeline.py                      # /tmp/qmbench/demo-2000 and -1000000
    python benchmarks/bench_pipeline.py DB1.duckdb DB2.duckdb

Targets (issue 7): eligibility ≤ 2 s at 1,000,000 persons, everything else ≤ 1 s; ≤ 50 ms at the
demo scale (2,000 persons). The eligibility list is also timed for one unit (what the notebook
widget asks for).

The eligibility reads each person's annual grades from the stored bit masks (table
``grade_years``) when the database was built or refreshed (``qingmiao_lib.db.refresh_snapshots``)
by a version that writes it, and joins every grade row otherwise: each database's line on stderr
says which.

Each scale gets two columns: the median wall time (the target) and the median CPU time of the
process (all DuckDB threads included). On a machine shared with other work the wall time swells
with the load while the CPU time barely moves: compare CPU times between runs made under
different loads; wall ≈ CPU / threads on an idle machine for the SQL part.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import statistics  # noqa: E402
import time  # noqa: E402

from _common import databases, table  # noqa: E402

import qingmiao_lib as qm  # noqa: E402
from qingmiao_lib import pipeline as p  # noqa: E402

YEAR = 2023
AS_OF = dt.date(YEAR, 12, 31)


def cases(con, unit: str, person: str) -> dict:
    return {
        "eligibility": lambda: p.eligibility(con, as_of=AS_OF),
        "eligibility within 6 months": lambda: p.eligibility(con, as_of=AS_OF, within_months=6),
        "eligibility one unit": lambda: p.eligibility(con, as_of=AS_OF, units=[unit]),
        "eligibility_counts": lambda: p.eligibility_counts(con, as_of=AS_OF, within_months=6),
        "quota_usage": lambda: p.quota_usage(con, as_of=AS_OF),
        "leadership_screening one unit": lambda: p.leadership_screening(con, as_of=AS_OF, units=[unit]),
        "leadership_screening": lambda: p.leadership_screening(con, as_of=AS_OF),
        "promotion_events 10 years by age": lambda: p.promotion_events(con, first_year=YEAR - 9, last_year=YEAR),
        "promotion_events 10 years by unit": lambda: p.promotion_events(con, first_year=YEAR - 9, last_year=YEAR, by="unit"),
        "time_to_promotion": lambda: p.time_to_promotion(con, as_of=AS_OF),
        "funnel": lambda: p.funnel(con, as_of=AS_OF),
        "people one unit": lambda: p.people(con, as_of=AS_OF, units=[unit]),
        "profile": lambda: p.profile(con, person_id=person, as_of=AS_OF),
    }


def median_wall_cpu_ms(fn, repeat: int) -> tuple[float, float]:
    """Median wall and process CPU time of ``fn()`` in milliseconds, after one warm-up call."""
    fn()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def main() -> None:
    paths = databases(__doc__.splitlines()[0])
    results: dict[str, dict] = {}
    names = []
    for path in paths:
        con = qm.connect(path)
        persons = con.execute("select count(*) from persons").fetchall()[0][0]
        unit = con.execute("select unit_id from posts group by unit_id order by count(*) desc, unit_id limit 1").fetchall()[0][0]
        person = con.execute("select min(person_id) from ranks where end_date is null").fetchall()[0][0]
        col, cpu_col = f"{persons:,} persons (ms)", f"{persons:,} CPU (ms)"
        print(f"{path}: annual grades {'stored' if p._grades_stored(con) else 'live'}",
              file=sys.stderr, flush=True)
        names += [col, cpu_col]
        for name, fn in cases(con, unit, person).items():
            repeat = 7 if persons < 100_000 else 3
            wall, cpu = median_wall_cpu_ms(fn, repeat)
            results.setdefault(name, {"function": name}).update({col: f"{wall:,.0f}", cpu_col: f"{cpu:,.0f}"})
            print(f"{col:>26}  {name:<34} {wall:>8,.0f} wall {cpu:>8,.0f} cpu", file=sys.stderr, flush=True)
        con.close()
    print(table(list(results.values()), ["function", *names]))


if __name__ == "__main__":
    main()
