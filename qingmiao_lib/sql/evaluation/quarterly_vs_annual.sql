-- evaluation/quarterly_vs_annual.sql — the 1+N link: how the four quarterly grades of a year
-- relate to its annual grade (e.g. the share of annual 优秀 among those with four 好 quarters).
-- Persons with a valid annual grade for $year and all four quarterly grades of $year; grouped by
-- the number of 好 quarters (0–4).
-- Grain: one row per (good_quarters, annual grade) present.
-- Parameters: $year, $as_of (31 Dec of $year), slice filters.
-- Columns: good_quarters, grade, persons, group_persons (persons with that many 好 quarters),
--   share (persons / group_persons).
with
people as (
    select person_id,
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], $age_group::varchar,
                    $young::boolean, $cohorts::integer[])
),
quarters as (
    select person_id, count(*) as quarters, count(*) filter (where grade = '好') as good_quarters,
    from valid_quarter_grades()
    where year = $year
    group by person_id
),
joined as (
    select q.good_quarters::integer as good_quarters, a.grade::varchar as grade,
    from quarters as q
    join people using (person_id)
    join valid_annual_grades() as a on a.person_id = q.person_id and a.year = $year
    where q.quarters = 4
),
final as (
    select good_quarters, grade, count(*) as persons,
    from joined group by good_quarters, grade
)
select *, sum(persons) over (partition by good_quarters) as group_persons,
       persons / sum(persons) over (partition by good_quarters) as share,
from final
order by good_quarters desc, enum_code(grade::annual_grade);
