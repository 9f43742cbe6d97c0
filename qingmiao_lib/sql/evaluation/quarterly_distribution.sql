-- evaluation/quarterly_distribution.sql — the quarterly (平时考核) grades per quarter.
-- The slice is taken on $as_of (31 Dec of $year): the quarters of earlier years follow the
-- persons of today's slice.
-- Grain: one row per (year, quarter, grade) for the quarters of [$first_year, $year] with any
--   grade, every grade of quarter_grade listed (zero-filled).
-- Parameters: $first_year, $year, $as_of, slice filters.
-- Columns: year, quarter, grade, persons, graded (persons graded that quarter), share.
with
people as (
    select person_id,
    from eval_slice($as_of::date, $units::varchar[], $age_group::varchar, $young::boolean,
                    $entry_cohort::integer)
),
grades as (
    select q.year, q.quarter, q.grade,
    from valid_quarter_grades() as q
    join people using (person_id)
    where q.year between $first_year and $year
),
cells as (
    select year, quarter, grade,
    from (select distinct year, quarter from grades)
    cross join (select unnest(enum_range(null::quarter_grade)) as grade)
),
final as (
    select c.year, c.quarter, c.grade::varchar as grade, count(g.grade) as persons,
    from cells as c
    left join grades as g using (year, quarter, grade)
    group by c.year, c.quarter, c.grade
)
select *, sum(persons) over (partition by year, quarter) as graded,
       persons / sum(persons) over (partition by year, quarter) as share,
from final
order by year, quarter, enum_code(grade::quarter_grade);
