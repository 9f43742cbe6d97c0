"""The dashboard's queries after the speed rewrites of issue 22, checked against the queries before
them (kept below as the references), on the demo county for several years, slices and ranges:

- grade_distribution, excellent_share and grade_history check a grade's validity on the slice's
  own entry and exit dates (as quarterly_distribution did) instead of joining persons again;
  excellent_share counts per unit before it joins the units' names;
- quarterly_distribution counts the quarter masks once per distinct combination (stored masks
  while current, else grouped from the rows), the rows beyond the masks' range
  (quarterly_distribution_long.sql).
"""

from __future__ import annotations

import pytest

import qingmiao_lib as qm
from qingmiao_lib import _query
from qingmiao_lib import evaluation as ev

#: grade_distribution.sql before the rewrite.
GRADE_DISTRIBUTION = """
with
people as (
    select *
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], $age_group::varchar,
                    $young::boolean, $cohorts::integer[])
),
grades as (
    select
        case $by
            when 'unit' then coalesce(p.unit_id, '—')
            when 'unit_kind' then coalesce(p.unit_kind::varchar, '—')
            when 'age_group' then p.age_group
            when 'young' then case when p.young then '是' else '否' end
            when 'entry_cohort' then p.entry_cohort::varchar
            when 'gender' then p.gender::varchar
            when 'education' then p.education::varchar
            when 'county' then county_of(p.person_id)
            else '合计'
        end as group_key,
        case $by
            when 'age_group' then p.age
            when 'entry_cohort' then p.entry_cohort
            when 'education' then enum_code(p.education)
            else 0
        end as sort_value,
        g.grade,
    from valid_annual_grades() as g
    join people as p using (person_id)
    where g.year = $year
),
groups as (
    select group_key, min(sort_value) as sort_key, from grades group by group_key
),
cells as (
    select g.group_key, g.sort_key, e.grade,
    from groups as g
    cross join (select unnest(enum_range(null::annual_grade)) as grade) as e
),
counts as (
    select group_key, grade, count(*) as persons, from grades group by group_key, grade
),
final as (
    select
        c.group_key,
        coalesce(u.name, c.group_key) as group_name,
        c.sort_key,
        c.grade::varchar as grade,
        coalesce(n.persons, 0) as persons,
        sum(coalesce(n.persons, 0)) filter (
            where c.grade::varchar in (select value from rule_lists where name = 'assessment.graded')
        ) over (partition by c.group_key) as graded,
    from cells as c
    left join counts as n using (group_key, grade)
    left join units as u on $by = 'unit' and u.unit_id = c.group_key
)
select group_key, group_name, sort_key, grade, persons, graded,
       case when grade in (select value from rule_lists where name = 'assessment.graded')
            then persons / nullif(graded, 0) end as share,
from final
order by sort_key, group_key, enum_code(grade::annual_grade)
"""

#: excellent_share.sql before the rewrite.
EXCELLENT_SHARE = """
with
people as (
    select person_id, unit_id, unit_kind,
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], null, null, null)
),
graded as (
    select p.unit_id, p.unit_kind, g.grade,
    from valid_annual_grades() as g
    join people as p using (person_id)
    where g.year = $year
      and g.grade::varchar in (select value from rule_lists where name = 'assessment.graded')
),
final as (
    select
        g.unit_id,
        any_value(u.name) as unit_name,
        any_value(g.unit_kind)::varchar as unit_kind,
        count(*) as graded,
        count(*) filter (where g.grade = '优秀') as excellent,
        count(*) filter (where g.grade = '优秀') / count(*) as share,
        rule_num('assessment.excellent_cap') as cap,
    from graded as g
    left join units as u using (unit_id)
    group by g.unit_id
)
select *, share > cap as over_cap,
from final
order by share desc, unit_id
"""

#: grade_history.sql before the rewrite.
GRADE_HISTORY = """
with
people as (
    select person_id, name, unit_id,
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], $age_group::varchar,
                    $young::boolean, $cohorts::integer[])
    where active
)
select p.person_id, p.name, p.unit_id, u.name as unit_name, g.year::integer as year,
       g.grade::varchar as grade,
from people as p
join valid_annual_grades() as g using (person_id)
left join units as u using (unit_id)
where g.year between $first_year and $year
order by p.unit_id, p.person_id, g.year
"""

#: quarterly_distribution.sql before the rewrite.
QUARTERLY_DISTRIBUTION = """
with
people as (
    select person_id, entry_date, exit_date,
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], $age_group::varchar,
                    $young::boolean, $cohorts::integer[])
),
grades as (
    -- valid grades (as valid_quarter_grades), checked on the slice's own entry and exit dates:
    -- one join, the year filter before it
    select q.year::integer as year, q.quarter::integer as quarter, q.grade,
    from regular_assessments as q
    join people as p using (person_id)
    where q.year between $first_year and $year
      and p.entry_date <= make_date(q.year, 12, 31)
      and (p.exit_date is null or p.exit_date > make_date(q.year, 1, 1))
),
counts as (
    select year, quarter, grade, count(*) as persons,
    from grades
    group by year, quarter, grade
),
cells as (
    select year, quarter, grade,
    from (select distinct year, quarter from counts)
    cross join (select unnest(enum_range(null::quarter_grade)) as grade)
),
final as (
    select c.year, c.quarter, c.grade::varchar as grade, coalesce(g.persons, 0) as persons,
    from cells as c
    left join counts as g on g.year = c.year and g.quarter = c.quarter and g.grade::varchar = c.grade
)
select *, sum(persons) over (partition by year, quarter) as graded,
       persons / sum(persons) over (partition by year, quarter) as share,
from final
order by year, quarter, enum_code(grade::quarter_grade)
"""


@pytest.fixture(scope="module")
def demo(demo_db):
    c = qm.connect(demo_db)
    yield c
    c.close()


def _slices(con) -> list[dict]:
    units = [r[0] for r in con.execute("select unit_id from posts group by unit_id order by count(*) desc, unit_id "
                                       "limit 3").fetchall()]
    groups = ev.age_groups(con)
    return [{}, {"units": units[:1]}, {"units": units}, {"age_group": groups[1]},
            {"units": units, "age_group": groups[2]}, {"young": True}, {"cohorts": [2015, 2018]}]


def _reference(con, text: str, name: str, params: dict):
    qm.db.install_all(con)        # the reference calls the area macros itself, on the live path
    used = _query.parameters(f"evaluation/{name}")
    full = {"units": None, "counties": None, "age_group": None, "young": None, "cohorts": None, **params}
    return con.execute(text, {k: v for k, v in full.items() if k in used}).df()


def _same(got, want) -> None:
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for col in got.columns:
        a, b = got[col].tolist(), want[col].tolist()
        assert [None if x != x else x for x in a] == [None if x != x else x for x in b], col


@pytest.mark.parametrize("year", [2019, 2023])
def test_grade_distribution_and_excellent_share_equal_the_references(demo, year):
    as_of = _query.year_end(demo, year)
    for cut in _slices(demo):
        for by in ("unit_kind", "unit", "age_group", "education", "all"):
            got = ev.grade_distribution(demo, year=year, by=by, **cut)
            _same(got, _reference(demo, GRADE_DISTRIBUTION, "grade_distribution",
                                  {"year": year, "as_of": as_of, "by": by, **cut}))
        if set(cut) <= {"units"}:
            got = ev.excellent_share(demo, year=year, **cut)
            _same(got, _reference(demo, EXCELLENT_SHARE, "excellent_share", {"year": year, "as_of": as_of, **cut}))


def test_grade_history_equals_the_reference(demo):
    for cut in _slices(demo):
        got = ev.grade_history(demo, year=2023, **cut)
        want = _reference(demo, GRADE_HISTORY, "grade_history",
                          {"year": 2023, "first_year": 2019, "as_of": _query.year_end(demo, 2023), **cut})
        rows = [tuple(r) for r in want.itertuples(index=False)]
        grades = {(r[0], str(r[4])): r[5] for r in rows}
        assert len({r[0] for r in rows}) == len(got)
        for r in got.itertuples(index=False):
            assert [None if g != g else g for g in r[4:]] == [grades.get((r[0], str(y))) for y in range(2019, 2024)]
        assert [tuple(r[:4]) for r in got.itertuples(index=False)] == sorted({r[:4] for r in rows})


@pytest.mark.parametrize("stored", [True, False])
@pytest.mark.parametrize(("year", "span"), [(2023, 3), (2022, 1), (2023, 15), (2023, 16), (2012, 3)])
def test_quarterly_distribution_equals_the_reference(demo, stored, year, span, monkeypatch):
    if not stored:   # the masks grouped from the rows, as on a database whose stored masks are stale
        monkeypatch.setattr(ev.quarterly, "_quarters_stored", lambda con, origin, last: False)
    first = year - span + 1
    for cut in _slices(demo):
        got = ev.quarterly_distribution(demo, year=year, first_year=first, **cut)
        _same(got, _reference(demo, QUARTERLY_DISTRIBUTION, "quarterly_distribution",
                              {"year": year, "first_year": first, "as_of": _query.year_end(demo, year), **cut}))


def test_quarterly_distribution_of_an_empty_range_is_empty(demo):
    assert ev.quarterly_distribution(demo, year=2020, first_year=2022).empty
