-- evaluation/person_history.sql — one person's record year by year (the 一表式 view): the annual
-- grade, last year's grade, the four quarterly grades, and the 优秀 share of the person's unit
-- and of the whole jurisdiction that year.
-- "The unit" is the person's main unit on $as_of (person_snapshot); its share in each year is
-- over the persons holding a post in that unit on 31 December of that year. Shares count graded
-- persons only (rules assessment.graded; 不定等次 excluded) and valid grades only.
-- Grain: one row per year in [$first_year, $year].
-- Parameters: $person_id, $first_year, $year, $as_of (31 Dec of $year).
-- Columns: year, grade, previous_grade, quarters (e.g. '好/较好/好/好'; '—' for a missing
--   quarter), unit_id, unit_excellent_share, jurisdiction_excellent_share.
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
order by o.year;
