"""person_history (sql/evaluation/person_history.sql) reads the person's own rows only; the 优秀
shares it compares with — the unit's and the jurisdiction's, each a scan of every grade row —
come bound from shares.sql, computed once per range and rules
and kept while a read-only connection lives (evaluation.grades._shares). Checked against the
query before the rewrite (kept below as the reference: every share computed per person), on the
demo county for every 20th person, read-only (kept shares) and writable (computed per call), and
after a what-if changing the graded grades (the kept shares are not reused).
"""

from __future__ import annotations

import datetime as dt
import math
import shutil

import pytest

import qingmiao_lib as qm
from qingmiao_lib import _query
from qingmiao_lib import evaluation as ev
from qingmiao_lib import rules as qm_rules

D = dt.date.fromisoformat

#: The definition before the rewrite: the jurisdiction's and the unit's shares per person.
REFERENCE = """
with
years as (
    select range::integer as year, year_end(range::integer) as d,
    from range($first_year::bigint - 1, $year::bigint + 1)
),
me as (
    select person_id, unit_id, from person_snapshot_at($as_of::date) where person_id = $person_id
),
graded as (
    select g.person_id, g.year, g.grade,
    from valid_annual_grades() as g
    where g.year between $first_year and $year
      and g.grade::varchar in (select value from rule_lists where name = 'assessment.graded')
),
jurisdiction as (
    select year, count(*) filter (where grade = '优秀') / count(*) as share,
    from graded group by year
),
unit_members as (
    select distinct y.year, p.person_id,
    from years as y
    join posts as p on covers(p.start_date, p.end_date, y.d)
    where p.unit_id = (select unit_id from me)
),
unit_share as (
    select year, count(*) filter (where g.grade = '优秀') / count(*) as share,
    from graded as g join unit_members using (year, person_id)
    group by year
),
own as (
    select y.year, g.grade::varchar as grade,
           lag(g.grade::varchar) over (order by y.year) as previous_grade,
    from years as y
    left join valid_annual_grades() as g on g.year = y.year and g.person_id = $person_id
),
quarters as (
    select year,
           string_agg(coalesce(grade::varchar, '—'), '/' order by quarter) as quarters,
    from (
        select y.year, q.quarter, r.grade,
        from years as y
        cross join (select unnest([1, 2, 3, 4]) as quarter) as q
        left join regular_assessments as r
            on r.person_id = $person_id and r.year = y.year and r.quarter = q.quarter
    )
    group by year
)
select o.year, o.grade, o.previous_grade,
       case when q.quarters = '—/—/—/—' then null else q.quarters end as quarters,
       (select unit_id from me) as unit_id,
       us.share as unit_excellent_share, j.share as jurisdiction_excellent_share,
from own as o
left join quarters as q using (year)
left join unit_share as us using (year)
left join jurisdiction as j using (year)
where o.year between $first_year and $year
order by o.year
"""


def _reference(con, person_id: str, year: int, years: int) -> list[tuple]:
    qm.db.install_all(con)        # the reference calls the area macros itself, on the live path
    rows = con.execute(REFERENCE, {"person_id": person_id, "year": year, "first_year": year - years + 1,
                                   "as_of": _query.year_end(con, year)}).fetchall()
    return [tuple(_plain(v) for v in r) for r in rows]


def _plain(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def _rows(df) -> list[tuple]:
    return [tuple(_plain(v) for v in r) for r in df.itertuples(index=False)]


def _persons(con) -> list[str]:
    ids = [r[0] for r in con.execute("select person_id from persons order by person_id").fetchall()]
    return ids[::20] + ["nobody"]     # a person not in the records: no grades, no unit


@pytest.mark.parametrize("read_only", [True, False])
def test_person_history_equals_the_per_person_reference(demo_db, read_only):
    con = qm.connect(demo_db, read_only=read_only)
    try:
        for year, years in ((2023, 5), (2021, 3), (2023, 1), (2023, 14), (2023, 15)):
            for pid in _persons(con):
                got = ev.person_history(con, person_id=pid, year=year, years=years)
                assert list(got.columns) == ["year", "grade", "previous_grade", "quarters", "unit_id",
                                             "unit_excellent_share", "jurisdiction_excellent_share"]
                assert _rows(got) == _reference(con, pid, year, years), (pid, year, years)
                assert got.attrs["year"] == year and got.attrs["as_of"] == f"{year}-12-31"
    finally:
        con.close()


def test_kept_shares_are_computed_again_when_the_rules_change(demo_db):
    con = qm.connect(demo_db)       # read-only: the shares are kept for as long as it lives
    try:
        pid = con.execute("select person_id from annual_assessments where year = 2023 and grade = '优秀' "
                          "order by person_id limit 1").fetchall()[0][0]
        before = ev.person_history(con, person_id=pid, year=2023)
        assert _rows(before) == _reference(con, pid, 2023, 5)
        rules = qm_rules.load()
        rules["assessment"]["graded"] = ["优秀", "称职"]      # a what-if: fewer grades count
        qm_rules.install(con, rules)
        after = ev.person_history(con, person_id=pid, year=2023)
        assert _rows(after) == _reference(con, pid, 2023, 5)
        assert _rows(after) != _rows(before)
    finally:
        con.close()


def test_unit_shares_hold_every_units_share_as_asked_for_one_unit(demo_db):
    con = qm.connect(demo_db)
    try:
        every = _query.fetch(con, "evaluation/shares",
                             {"first_year": 2019, "year": 2023, "units": None}).to_pylist()
        jurisdiction = [r for r in every if r["unit_id"] is None]
        assert [r["year"] for r in jurisdiction] == list(range(2019, 2024))
        every = [r for r in every if r["unit_id"] is not None]
        assert every
        for unit in sorted({r["unit_id"] for r in every})[::7]:
            one = _query.fetch(con, "evaluation/shares",
                               {"first_year": 2019, "year": 2023, "units": [unit]}).to_pylist()
            assert one == jurisdiction + [r for r in every if r["unit_id"] == unit]
    finally:
        con.close()


def test_share_rules_key_reads_the_graded_grades_and_the_year_end(demo_db):
    con = qm.connect(demo_db)
    try:
        key = _query.fetch(con, "evaluation/share_rules").column("rules")[0].as_py()
        assert "graded=" in key and "year_end=" in key
        assert dt.date.fromisoformat(f"2023-{key.split('year_end=')[1]}") == _query.year_end(con, 2023)
    finally:
        con.close()


def test_shares_on_a_hand_made_county(db):
    """The jurisdiction's and each unit's 优秀 share per year end, worked out by hand (comments
    below): a person with two posts in one unit counts once; a post ending on 31 December does
    not cover it, one starting that day does; a person in two units counts in each; 不定等次 and a
    grade after the person left are not counted."""
    db.add("units", unit_id="U2")
    for pid in ("P1", "P2", "P3", "P4"):
        db.add("persons", person_id=pid, exit_date=D("2022-06-30") if pid == "P4" else None)
    db.add_many("posts", [
        {"person_id": "P1", "start_date": D("2015-07-01")},
        {"person_id": "P1", "title": "兼职", "start_date": D("2020-03-01"), "end_date": D("2022-06-30")},
        {"person_id": "P2", "start_date": D("2015-07-01"), "end_date": D("2021-12-31")},
        {"person_id": "P2", "unit_id": "U2", "start_date": D("2021-12-31")},
        {"person_id": "P3", "start_date": D("2015-07-01")},
        {"person_id": "P3", "unit_id": "U2", "title": "兼职", "start_date": D("2015-07-01")},
        {"person_id": "P4", "start_date": D("2015-07-01")},     # left in 2022, the post not closed
    ])
    grades = {"P1": {2019: "优秀", 2020: "称职", 2021: "优秀", 2022: "称职", 2023: "优秀"},
              "P2": {2019: "称职", 2020: "称职", 2021: "优秀", 2022: "称职", 2023: "称职"},
              "P3": {2022: "优秀", 2023: "不定等次"},
              "P4": {2019: "称职", 2023: "称职"}}                # 2023: after leaving, not valid
    db.add_many("annual_assessments", [{"person_id": p, "year": y, "grade": g}
                                       for p, by_year in grades.items() for y, g in by_year.items()])
    got = _query.fetch(db.con, "evaluation/shares", {"first_year": 2019, "year": 2023, "units": None})
    # the jurisdiction — 2019: P1 优秀, P2, P4 称职 → 1/3; 2020: P1, P2 称职 → 0/2; 2021: P1, P2
    # 优秀 → 2/2; 2022: P3 优秀, P1, P2 称职 → 1/3; 2023: P1 优秀, P2 称职 (P3 不定等次, P4 gone) → 1/2
    # U1 — 2019: P1 优秀, P2, P4 称职 → 1/3; 2020: P1 (two posts, once), P2 → 0/2; 2021: P1 alone
    # (P2's post ends that day) → 1/1; 2022: P1 称职, P3 优秀 → 1/2; 2023: P1 优秀 (P3 不定等次,
    # P4 gone) → 1/1. U2 — 2021: P2 (from that day) 优秀 → 1/1; 2022: P2 称职, P3 优秀 → 1/2;
    # 2023: P2 称职 → 0/1; 2019, 2020: nobody graded, no row.
    assert [(r["unit_id"], r["year"], round(r["share"], 6)) for r in got.to_pylist()] == [
        (None, 2019, round(1 / 3, 6)), (None, 2020, 0.0), (None, 2021, 1.0), (None, 2022, round(1 / 3, 6)),
        (None, 2023, 0.5),
        ("U1", 2019, round(1 / 3, 6)), ("U1", 2020, 0.0), ("U1", 2021, 1.0), ("U1", 2022, 0.5),
        ("U1", 2023, 1.0), ("U2", 2021, 1.0), ("U2", 2022, 0.5), ("U2", 2023, 0.0)]
    one = _query.fetch(db.con, "evaluation/shares", {"first_year": 2021, "year": 2022, "units": ["U2"]})
    assert one.to_pylist() == [{"unit_id": None, "year": 2021, "share": 1.0},
                               {"unit_id": None, "year": 2022, "share": 1 / 3},
                               {"unit_id": "U2", "year": 2021, "share": 1.0},
                               {"unit_id": "U2", "year": 2022, "share": 0.5}]


def test_stored_shares_are_read_while_they_follow_the_records(demo_db, tmp_path, monkeypatch):
    """refresh_snapshots stores the jurisdiction's and every unit's 优秀 share of the stored years
    (table excellent_shares): the same rows as computed from the records, read by person_history
    for a span inside those years and not for one reaching before them; once the records differ
    (a grade deleted, as an import could) the shares are computed again and follow them."""
    from qingmiao_lib.evaluation import grades

    path = tmp_path / "county.duckdb"
    shutil.copy(demo_db, path)
    con = qm.connect(path, read_only=False)
    read: list[str] = []
    real = _query.fetch
    monkeypatch.setattr(_query, "fetch", lambda con, name, params=None: read.append(name) or real(con, name, params))
    try:
        first, last = (int(y) for y in qm.db.meta(con)["excellent_shares_years"].split(","))
        assert (first, last) == tuple(con.execute(  # the years of the stored year ends
            "select min(year(snapshot_date)), max(year(snapshot_date)) from snapshots").fetchall()[0])
        for span, units in (((last - 4, last), None), ((first, first), None), ((last - 2, last), ["U0006"])):
            params = {"first_year": span[0], "year": span[1], "units": units}
            stored = real(con, "evaluation/shares_stored", params)
            assert stored.num_rows and stored.equals(real(con, "evaluation/shares", params))
        assert grades._shares_stored(con, last - 4, last) and not grades._shares_stored(con, first - 1, last)
        pid = con.execute("select person_id from annual_assessments where year = ? and grade = '优秀' "
                          "order by person_id limit 1", [last - 1]).fetchall()[0][0]
        before = ev.person_history(con, person_id=pid, year=last)
        assert "evaluation/shares_stored" in read and "evaluation/shares" not in read
        assert _rows(before) == _reference(con, pid, last, 5)
        con.execute("delete from annual_assessments where person_id = ? and year = ?", [pid, last - 1])
        assert not grades._shares_stored(con, last - 4, last)
        read.clear()
        after = ev.person_history(con, person_id=pid, year=last)
        assert "evaluation/shares" in read and "evaluation/shares_stored" not in read
        assert _rows(after) == _reference(con, pid, last, 5) and _rows(after) != _rows(before)
    finally:
        con.close()
