"""Time every public function of ``qingmiao_lib.structure`` (and a widget update at the demo
scale) against the benchmark databases; print a Markdown table of medians.

    .venv/bin/python benchmarks/bench_structure.py [DB ...] [--dir /tmp/qmbench]

Targets (issue 4): each function ≤ 50 ms at the demo scale (2,000) and ≤ 1 s at 1,000,000
persons; a widget update (query + FigureWidget update) ≤ 150 ms at the demo scale.
"""

from __future__ import annotations

import datetime as dt

from _common import databases, median_ms, table

import qingmiao_lib as qm
from qingmiao_lib import structure as st

DAY = dt.date(2023, 12, 31)
CASES = {
    "headcount (generation × gender)": lambda c: st.headcount(c, as_of=DAY, by=["generation", "gender"]),
    "headcount (unit × rank, 乡镇)": lambda c: st.headcount(c, as_of=DAY, by=["unit", "rank"], unit_kind="乡镇街道"),
    "age_pyramid (young)": lambda c: st.age_pyramid(c, as_of=DAY, young_only=True),
    "over_time 10 y (generation)": lambda c: st.over_time(c, first_year=2014, last_year=2023, by="generation"),
    "over_time 10 y (unit_kind)": lambda c: st.over_time(c, first_year=2014, last_year=2023, by="unit_kind"),
    "pool_dynamics 10 y": lambda c: st.pool_dynamics(c, first_year=2014, last_year=2023),
    "pool_exits 10 y": lambda c: st.pool_exits(c, first_year=2014, last_year=2023),
    "bench_strength": lambda c: st.bench_strength(c, as_of=DAY),
    "bench_gaps": lambda c: st.bench_gaps(c, as_of=DAY),
    "unit_comparison": lambda c: st.unit_comparison(c, as_of=DAY),
}


def main() -> None:
    rows = []
    for path in databases(__doc__.splitlines()[0]):
        con = qm.connect(path)
        persons = con.execute("select count(*) from persons").fetchall()[0][0]
        small = persons < 50_000
        row = {"database": f"{path.name} ({persons:,} persons)"}
        for name, fn in CASES.items():
            row[name] = f"{median_ms(lambda fn=fn, con=con: fn(con), repeat=7 if small else 3):.0f}"
        if small:
            from qingmiao_lib.widgets.structure import cohort_explorer

            box = cohort_explorer(con, as_of=DAY)
            kinds = iter(["乡镇街道", "市直机关"] * 100)
            toggle = box.controls["unit_kind"]
            row["widget update"] = f"{median_ms(lambda t=toggle, k=kinds: setattr(t, 'value', next(k))):.0f}"
        rows.append(row)
        con.close()
    cols = ["database", *CASES, "widget update"]
    # one function per line reads better than a very wide table
    print(table([{"function": c, **{r["database"]: r.get(c, "—") for r in rows}} for c in cols[1:]],
                ["function", *(r["database"] for r in rows)]))


if __name__ == "__main__":
    main()
