"""Time the cohort projection (``qingmiao_lib.projection``) against the benchmark databases: the
SQL counting (stocks and transitions over the K years), the numpy projection, the whole
``project`` and ``backtest`` calls; print a Markdown table of median wall and process CPU times
(all DuckDB threads included: on a shared machine the wall time swells with the load while the
CPU time barely moves; the load average is printed on stderr) and each database's backtest error.

    .venv/bin/python benchmarks/bench_projection.py [DB ...] [--dir /tmp/qmbench]

Target (issue 21 item 4): a projection ≤ 5 s at 1,000,000 persons.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from _common import databases, table

import qingmiao_lib as qm
from qingmiao_lib import projection as pj
from qingmiao_lib.projection import _model, _plan

YEAR, YEARS, K = 2025, 10, 5


def _parts(con):
    """The SQL counting alone, and the numpy part alone (rates, plan, projection)."""
    names = pj._setup(con)
    def counting():
        return pj._counted(con, first=YEAR - K + 1, last=YEAR, tr_first=YEAR - K + 1, tr_last=YEAR, years=YEARS,
                          young_only=True)

    stocks, moves = counting()
    space = _model.Space(n_ranks=max(names["rank"]) + 1, n_levels=max(names["level"]) + 1,
                         band_years=5, years=YEARS)

    def arrays():
        P, _ = _model.rates(moves, space, smoothing=5)
        intake = stocks[stocks["entered"]]
        plan, _ = _plan.rows(None, intake, k=K, start_year=YEAR, years=YEARS, steps={})
        return _model.project(_model.stock_array(stocks[stocks["year"] == YEAR], space), P, plan, space)

    return counting, arrays


def median_wall_cpu_ms(fn, repeat: int) -> str:
    """Median wall and process CPU time of ``fn()`` in ms ("wall / cpu"), after one warm-up call."""
    fn()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return f"{statistics.median(walls) * 1000:,.0f} / {statistics.median(cpus) * 1000:,.0f}"


def main() -> None:
    rows, errors = [], []
    for path in databases(__doc__.splitlines()[0]):
        con = qm.connect(path)
        persons = con.execute("select count(*) from persons").fetchall()[0][0]
        repeat = 5 if persons < 50_000 else 3
        print(f"{path}: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", file=sys.stderr, flush=True)
        counting, arrays = _parts(con)
        timed = median_wall_cpu_ms
        row = {"database": f"{path.name} ({persons:,} persons)",
               "SQL counting (stocks + transitions, K=5)": timed(counting, repeat),
               f"numpy projection ({YEARS} y)": timed(arrays, repeat),
               f"project ({YEARS} y)": timed(lambda c=con: pj.project(c, year=YEAR, years=YEARS), repeat),
               "flows (10 y)": timed(lambda c=con: pj.flows(c, year=YEAR, years=YEARS), repeat),
               "backtest (5 y)": timed(lambda c=con: pj.backtest(c, year=YEAR, horizon=5), repeat)}
        print(f"{path}: {row}", file=sys.stderr, flush=True)
        rows.append(row)
        errors.append(f"- {row['database']}: {pj.backtest_text(pj.backtest(con, year=YEAR, horizon=5))}")
        con.close()
    cols = [c for c in rows[0] if c != "database"]
    print("Median wall / CPU in ms.\n")
    print(table([{"step": c, **{r["database"]: r[c] for r in rows}} for c in cols],
                ["step", *(r["database"] for r in rows)]))
    print("\nBacktest (2020 → 2025, the under-40 cohort by age band × rank × level):\n")
    print("\n".join(errors))


if __name__ == "__main__":
    main()
