"""Benchmark of ``qingmiao_lib.training``: median wall time of every public function at each scale.

    python benchmarks/bench_training.py                      # /tmp/qmbench/demo-2000 and -1000000
    python benchmarks/bench_training.py DB1.duckdb DB2.duckdb

Targets (issue 5): ≤ 50 ms at the demo scale (2,000 persons), ≤ 1 s at 1,000,000. Person-level
lists (gap list, in-service, hours per person, lecture per person and per person-month, mentees,
mentor load) are also timed for one unit — what a notebook widget asks for — since moving a
million-row frame into pandas alone costs about a second.

The weekly-lecture functions read the stored table ``lecture_marks`` when the database was built
or refreshed (``qingmiao_lib.db.refresh_snapshots``) by a version that writes it, and compute
live from ``lecture_attendance`` otherwise: each database's line on stderr says which. Likewise
the year's course credit and class person-times read the stored ``training_years`` (same refresh).
The coverage trend counts all its years in one pass when the base layer is stored on each year's
31 December (``snapshots``, same refresh), else it runs the coverage matrix year by year; sliced
by unit or unit kind it also places each person in their unit of each year (the slower case).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import databases, median_ms, table  # noqa: E402

import qingmiao_lib as qm  # noqa: E402
from qingmiao_lib import training as t  # noqa: E402

YEAR = 2023
AS_OF = dt.date(YEAR, 12, 31)


def cases(con, unit: str) -> dict:
    one = {"units": [unit]}
    return {
        "coverage_matrix": lambda: t.coverage_matrix(con, year=YEAR),
        "coverage_matrix by unit": lambda: t.coverage_matrix(con, year=YEAR, by="unit"),
        "coverage_trend 5 years": lambda: t.coverage_trend(con, first_year=YEAR - 4, last_year=YEAR),
        "coverage_trend 5 years one unit": lambda: t.coverage_trend(con, first_year=YEAR - 4, last_year=YEAR, **one),
        "gap_list missing+pending": lambda: t.gap_list(con, year=YEAR),
        "gap_list one unit": lambda: t.gap_list(con, year=YEAR, **one),
        "in_service": lambda: t.in_service(con, year=YEAR),
        "in_service one unit": lambda: t.in_service(con, year=YEAR, **one),
        "hours_by_person": lambda: t.hours_by_person(con, year=YEAR),
        "hours_by_person one unit": lambda: t.hours_by_person(con, year=YEAR, **one),
        "hours_totals": lambda: t.hours_totals(con, year=YEAR),
        "class_person_times 5 years": lambda: t.class_person_times(con, first_year=YEAR - 4, last_year=YEAR),
        "lecture_sessions 5 years": lambda: t.lecture_sessions(con, first_year=YEAR - 4, last_year=YEAR),
        "lecture_persons": lambda: t.lecture_persons(con, year=YEAR),
        "lecture_persons one unit": lambda: t.lecture_persons(con, year=YEAR, **one),
        "lecture_groups by unit": lambda: t.lecture_groups(con, year=YEAR, by="unit"),
        "lecture_groups kind × month": lambda: t.lecture_groups(con, year=YEAR, by="unit_kind", monthly=True),
        "lecture_person_months one unit": lambda: t.lecture_person_months(con, year=YEAR, **one),
        "mentees": lambda: t.mentees(con, as_of=AS_OF),
        "mentees one unit": lambda: t.mentees(con, as_of=AS_OF, **one),
        "mentor_load": lambda: t.mentor_load(con, as_of=AS_OF),
        "practice_participation 5 years": lambda: t.practice_participation(con, first_year=YEAR - 4, last_year=YEAR),
        "practice_share by unit kind": lambda: t.practice_share(con, as_of=AS_OF, by="unit_kind"),
        "practice_outcomes": lambda: t.practice_outcomes(con, as_of=AS_OF),
    }


def main() -> None:
    paths = databases(__doc__.splitlines()[0])
    results: dict[str, dict] = {}
    names = []
    for path in paths:
        con = qm.connect(path)
        persons = con.execute("select count(*) from persons").fetchall()[0][0]
        unit = con.execute("select unit_id from posts group by unit_id order by count(*) desc, unit_id limit 1").fetchall()[0][0]
        col = f"{persons:,} persons (ms)"
        print(f"{path}: weekly lecture {'stored' if t._lecture_stored(con, YEAR) else 'live'},"
              f" courses per year {'stored' if t._training_stored(con) else 'live'}",
              file=sys.stderr, flush=True)
        names.append(col)
        for name, fn in cases(con, unit).items():
            repeat = 7 if persons < 100_000 else 1   # 1M: one warm-up + one timed call (slow)
            results.setdefault(name, {"function": name})[col] = f"{median_ms(fn, repeat):,.0f}"
            print(f"{col:>26}  {name:<34} {results[name][col]:>8}", file=sys.stderr, flush=True)
        con.close()
    print(table(list(results.values()), ["function", *names]))


if __name__ == "__main__":
    main()
