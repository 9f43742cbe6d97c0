"""Benchmark of ``qingmiao_lib.shortlist`` (and the statutory retirements it sits beside in 展望):
median wall and CPU time at each scale.

    python benchmarks/bench_shortlist.py                     # /tmp/qmbench/demo-2000 and -1000000
    python benchmarks/bench_shortlist.py DB1.duckdb DB2.duckdb

Target (issue 21): retirements and the shortlist ≤ 1 s at 1,000,000 persons. On a stored 31
December (AS_OF) the shortlist reads the pool stored by ``refresh_snapshots`` (table
``shortlist_pool``: each active person's eligibility verdict and the candidates' 三优先
measures), one rank only its holders and the rank below; any other date, or a stale table, is
computed from the records — the eligibility of every active person (``eligibility_on``) plus the
measures. Both are timed: ``eligibility_on count`` and ``… from the records`` show what the
stored pool saves (stderr says whether the database holds it for AS_OF).

Each scale gets the median wall time and the median CPU time of the process (all DuckDB threads
included): on a shared machine the wall time swells with the load while the CPU time barely
moves; the load average is printed on stderr.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import databases, table  # noqa: E402

import qingmiao_lib as qm  # noqa: E402
from qingmiao_lib import outlook  # noqa: E402
from qingmiao_lib import shortlist as sl  # noqa: E402

AS_OF = dt.date(2024, 12, 31)


def counted(con, query: str, *params, stored: bool | None = None) -> list:
    """``query`` on AS_OF with eligibility_on and the pool reading what the library's calls
    read (``stored=False``: the pool computed from the records)."""
    with sl._sources(con, AS_OF, stored=stored):
        return con.execute(query, [AS_OF, *params]).fetchall()


def cases(con, unit: str, rank: str, promoted: list[str]) -> dict:
    sl.install_macros(con)
    return {
        "eligibility_on count (the base)": lambda: counted(
            con, "select count(*), sum(tenure_months) from eligibility_on(?)"),
        "shortlist_ranked count (no reasons)": lambda: counted(
            con, "select count(*), sum(position) from shortlist_ranked(?, null)"),
        "shortlist_ranked one rank, from the records": lambda: counted(
            con, "select count(*), sum(position) from shortlist_ranked(?, null, for_rank := ?)", rank, stored=False),
        "shortlist_summary": lambda: sl.shortlist_summary(con, as_of=AS_OF),
        "shortlist one rank": lambda: sl.shortlist(con, as_of=AS_OF, rank=rank),
        "shortlist one unit": lambda: sl.shortlist(con, as_of=AS_OF, units=[unit]),
        "shortlist (every candidate)": lambda: sl.shortlist(con, as_of=AS_OF),
        "what_if 100 promotions": lambda: sl.what_if(con, as_of=AS_OF, promotions=promoted),
        "retirements 5 years": lambda: outlook.retirements(con, as_of=AS_OF, years=5),
        "places 5 years": lambda: outlook.places(con, as_of=AS_OF, years=5),
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
        ranked = sl.shortlist_summary(con, as_of=AS_OF)
        rank = ranked.sort_values("candidates").iloc[len(ranked) // 2]["rank"]
        promoted_all = sl.shortlist(con, as_of=AS_OF, rank=rank)["person_id"]
        promoted = promoted_all.head(100).tolist()
        col, cpu_col = f"{persons:,} persons (ms)", f"{persons:,} CPU (ms)"
        print(f"{path}: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; pool stored for "
              f"{AS_OF}: {sl._stored.current(con, AS_OF)}; one rank: {rank} ({len(promoted_all):,} candidates)",
              file=sys.stderr, flush=True)
        names += [col, cpu_col]
        for name, fn in cases(con, unit, rank, promoted).items():
            repeat = 7 if persons < 100_000 else 3
            wall, cpu = median_wall_cpu_ms(fn, repeat)
            results.setdefault(name, {"function": name}).update({col: f"{wall:,.0f}", cpu_col: f"{cpu:,.0f}"})
            print(f"{col:>26}  {name:<38} {wall:>8,.0f} wall {cpu:>8,.0f} cpu", file=sys.stderr, flush=True)
        con.close()
    print(table(list(results.values()), ["function", *names]))


if __name__ == "__main__":
    main()
