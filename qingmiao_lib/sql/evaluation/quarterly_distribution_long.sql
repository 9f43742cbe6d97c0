-- evaluation/quarterly_distribution_long.sql — the quarterly (平时考核) grades per quarter, from
-- the grade rows: quarterly_distribution.sql for a range longer than the quarter masks hold
-- (evaluation._MASK_YEARS), the same answers.
-- The slice is taken on $as_of (31 Dec of $year): the quarters of earlier years follow the
-- persons of today's slice.
-- Grain: one row per (year, quarter, grade) for the quarters of [$first_year, $year] with any
--   grade, every grade of quarter_grade listed (zero-filled).
-- Parameters: $first_year, $year, $as_of, slice filters.
-- Columns: year, quarter, grade, persons, graded (persons graded that quarter), share.
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
order by year, quarter, enum_code(grade::quarter_grade);
