"""person_history (sql/evaluation/person_history.sql) reads the person's own rows only; the 优秀
shares it compares with — the unit's and the jurisdiction's, each a scan of every grade row —
come bound from unit_shares.sql and jurisdiction_share.sql, computed once per range and rules
and kept while a read-only connection lives (evaluation.grades._shares). Checked against the
query before the rewrite (kept below as the reference: every share computed per person), on the
demo county for every 20th person, read-only (kept shares) and writable (computed per call), and
after a what-if changing the graded grades (the kept shares are not reused).
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

import qingmiao_lib as qm
from qingmiao_lib import _query
from qingmiao_lib import evaluation as ev
from qingmiao_lib import rules as qm_rules

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
        every = _query.fetch(con, "evaluation/unit_shares",
                             {"first_year": 2019, "year": 2023, "units": None}).to_pylist()
        assert every
        for unit in sorted({r["unit_id"] for r in every})[::7]:
            one = _query.fetch(con, "evaluation/unit_shares",
                               {"first_year": 2019, "year": 2023, "units": [unit]}).to_pylist()
            assert one == [r for r in every if r["unit_id"] == unit]
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
