"""Benchmark of the evaluation analyses (``qingmiao_lib.evaluation``): the median time of every
public function at each database size. Targets (issue 6): ≤ 50 ms at the demo scale (2,000
persons) and ≤ 1 s at 1,000,000 persons. Measured, never asserted.

The quarterly trend and declines shift each person's stored quarter masks (table
``quarter_masks``, the last 16 data years) when the database was built or refreshed
(``qingmiao_lib.db.refresh_snapshots``) by a version that writes it, and group every quarter row
otherwise: each database's first line says which.

usage: python benchmarks/bench_evaluation.py [DB ...] [--dir /tmp/qmbench]
"""

from __future__ import annotations

import datetime as dt

import duckdb
from _common import databases, median_ms, table

import qingmiao_lib as qm
from qingmiao_lib import evaluation as ev

YEAR = 2023


def calls(con: duckdb.DuckDBPyConnection) -> dict:
    """One representative call of every public function (the report's and notebook's calls)."""
    pid = con.execute("select min(person_id) from annual_assessments where year = ?", [YEAR]).fetchall()[0][0]
    unit = con.execute("select min(unit_id) from posts where end_date is null").fetchall()[0][0]
    as_of = dt.date(YEAR, 12, 31)
    return {
        "grade_distribution": lambda: ev.grade_distribution(con, year=YEAR, by="unit"),
        "grade_distribution (1 unit, widget)": lambda: ev.grade_distribution(
            con, year=YEAR, by="unit_kind", units=[unit]),
        "excellent_share": lambda: ev.excellent_share(con, year=YEAR),
        "over_cap": lambda: ev.over_cap(con, year=YEAR),
        "young_excellent_share (6 years)": lambda: ev.young_excellent_share(con, year=YEAR, first_year=YEAR - 5),
        "grade_history (1 unit)": lambda: ev.grade_history(con, year=YEAR, units=[unit]),
        "person_history": lambda: ev.person_history(con, person_id=pid, year=YEAR),
        "streaks": lambda: ev.streaks(con, year=YEAR),
        "merits (5 years)": lambda: ev.merits(con, year=YEAR, first_year=YEAR - 4),
        "unrecorded_merits (5 years)": lambda: ev.unrecorded_merits(con, year=YEAR, first_year=YEAR - 4),
        "unmatched_rewards (5 years)": lambda: ev.unmatched_rewards(con, year=YEAR, first_year=YEAR - 4),
        "quarterly_distribution (3 years)": lambda: ev.quarterly_distribution(con, year=YEAR, first_year=YEAR - 2),
        # a person-level list: an analyst reads it for a unit (as grade_history); the whole
        # jurisdiction (one row per person, ~1M rows at 1M persons) is timed too, for reference
        "quarterly_trend (1 unit)": lambda: ev.quarterly_trend(con, year=YEAR, units=[unit]),
        "quarterly_trend (all persons)": lambda: ev.quarterly_trend(con, year=YEAR),
        "quarterly_declines": lambda: ev.quarterly_declines(con, year=YEAR),
        "quarterly_vs_annual": lambda: ev.quarterly_vs_annual(con, year=YEAR),
        "special_tasks": lambda: ev.special_tasks(con, year=YEAR),
        "early_warnings": lambda: ev.early_warnings(con, as_of=as_of),
        "rewards_by_kind": lambda: ev.rewards_by_kind(con, year=YEAR),
        "invalid_grades": lambda: ev.invalid_grades(con),
    }


def main() -> None:
    paths = databases(__doc__.splitlines()[0])
    results: dict[str, dict[str, str]] = {}
    names: list[str] = []
    for path in paths:
        con = qm.connect(path)
        persons = con.execute("select count(*) from persons").fetchall()[0][0]
        col = f"{persons:,} persons (ms)"
        names.append(col)
        print(f"{path}: quarter masks {'stored' if ev._quarters_stored(con, YEAR - 1, YEAR) else 'live'}",
              flush=True)
        for fn, call in calls(con).items():
            repeat = 7 if persons < 200_000 else 3
            results.setdefault(fn, {"function": fn})[col] = f"{median_ms(call, repeat):.0f}"
            print(f"{col:>24}  {fn}: {results[fn][col]} ms", flush=True)
        con.close()
    print()
    print(table(list(results.values()), ["function", *names]))


if __name__ == "__main__":
    main()
