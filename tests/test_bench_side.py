"""benchmarks/bench_side.py compares the library with hand-written SQL and pandas: those two
must keep giving the library's answer, or the comparison is no longer honest. Here each case's
three answers are reduced to the benchmark's totals (counts and sums) on the session's small
simulated county (conftest.demo_db, 300 persons) and must be equal — on everyone and on one
unit (the slice the fixed-cost measure uses).

A tiny hand-made county checks that the totals are not trivially equal (all zero): the worked
answer of each analysis is written beside it.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

import qingmiao_lib as qm

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_side as bs  # noqa: E402

D = dt.date.fromisoformat
NAMES = [c.name for c in bs.CASES]


@pytest.fixture(scope="module")
def demo(demo_db):
    con = qm.connect(demo_db)
    unit = con.execute("select unit_id from posts group by unit_id order by count(*) desc, unit_id limit 1"
                       ).fetchall()[0][0]
    yield con, bs.rules(con), unit
    con.close()


@pytest.mark.parametrize("name", NAMES)
def test_raw_sql_and_pandas_give_the_library_totals_on_the_demo(demo, name):
    con, r, unit = demo
    case = next(c for c in bs.CASES if c.name == name)
    frames = case.frames(con)
    for units in ([None, [unit]] if case.sliced else [None]):
        totals = bs.agree(case, {
            "library": case.lib(con, r, units=units),
            "raw SQL": case.raw(con, r, units=units),
            "pandas": case.pandas(frames, r, units=units),
        })
        assert any(v for v in totals.values()), f"{name}: every total is zero — nothing compared"


def test_agree_refuses_different_totals():
    case = bs.CASES[0]
    import pandas as pd
    a = pd.DataFrame({"gender": ["男", "女"], "persons": [2, 1]})
    b = pd.DataFrame({"gender": ["男", "女"], "persons": [1, 2]})
    assert bs.agree(case, {"x": a, "y": a}) == {"persons": 3, "women": 1}
    with pytest.raises(AssertionError, match="differ"):
        bs.agree(case, {"x": a, "y": b})


def test_full_months_clamps_month_ends_as_the_library():
    # from → 2024-02-29: 2024-01-31 + 1 month = 2024-02-29 (clamped) ≤ d → 1;
    # 2023-02-28 + 12 months = 2024-02-28 ≤ d → 12; 2023-03-01 + 11 months = 2024-02-01 → 11;
    # from → 2024-03-30: 2024-01-31 + 2 months = 2024-03-31 > d → 1
    import pandas as pd
    a = pd.Series(pd.to_datetime(["2024-01-31", "2023-02-28", "2023-03-01"]))
    assert bs.full_months(a, D("2024-02-29")).tolist() == [1, 12, 11]
    assert bs.full_months(pd.Series(pd.to_datetime(["2024-01-31"])), D("2024-03-30")).tolist() == [1]


def test_hand_made_county(db):
    """Two persons on 31 Dec 2023 (the benchmark's date), stored snapshot written by the library.

    P1: woman born 1990 → 33, young; entered 2015, 在职培训 2023: one 脱产 course 2023-03-01 …
        03-12 = 12 days (≥ 12 days: covered), 40 学时; 2023 grade 优秀.
    P2: man born 1970 → 53, not young; entered 2015; 2023 grade 称职; no training (not covered).
    Young by gender: 女 1 (persons 1). In-service: 2 persons, 1 covered, 40 hours.
    优秀 share of U1: graded 2, excellent 1 = 0.5 > cap 0.2 → over cap.
    """
    db.add("persons", person_id="P1", gender="女", birth_date=D("1990-05-01"), entry_date=D("2015-07-01"))
    db.add("persons", person_id="P2", gender="男", birth_date=D("1970-05-01"), entry_date=D("2015-07-01"))
    for p in ("P1", "P2"):
        db.add("posts", person_id=p, start_date=D("2015-07-01"))
        db.add("ranks", person_id=p, rank="一级科员", start_date=D("2016-07-01"), reason="定级")
    db.add("trainings", person_id="P1", start_date=D("2023-03-01"), end_date=D("2023-03-12"), hours=40)
    db.add("annual_assessments", person_id="P1", year=2023, grade="优秀")
    db.add("annual_assessments", person_id="P2", year=2023, grade="称职")
    from qingmiao_lib.db import refresh_snapshots
    refresh_snapshots(db.con)
    r = bs.rules(db.con)
    got = {}
    for case in bs.CASES[:3]:
        frames = case.frames(db.con)
        got[case.name] = bs.agree(case, {"library": case.lib(db.con, r), "raw SQL": case.raw(db.con, r),
                                         "pandas": case.pandas(frames, r)})
    assert list(got.values()) == [
        {"persons": 1, "women": 1},
        {"persons": 2, "covered": 1, "hours": 40.0},
        {"units": 1, "graded": 2, "excellent": 1, "over_cap": 1},
    ]
