-- evaluation/unit_shares.sql — each unit's 优秀 share per year over the persons holding a post
-- in it on 31 December of that year (any post, not only the main one): the figure one person's
-- record (person_history.sql) shows for the person's unit. Shares count graded persons only
-- (rules assessment.graded; 不定等次 excluded) and valid grades only. evaluation.person_history
-- computes every unit's at once and keeps them (a person's own unit would cost a scan of every
-- grade and post row per person), or only the person's unit when it cannot keep them.
-- Grain: one row per unit and year in [$first_year, $year] with a graded member.
-- Parameters: $first_year, $year, $units (VARCHAR[] of unit_id, NULL = every unit).
-- Columns: unit_id, year (INTEGER), share (优秀 / graded).
with
years as (
    select range::integer as year, year_end(range::integer) as d,
    from range($first_year::bigint, $year::bigint + 1)
),
members as (
    select distinct y.year, p.unit_id, p.person_id,
    from years as y
    join posts as p on covers(p.start_date, p.end_date, y.d)
    where $units::varchar[] is null or list_contains($units::varchar[], p.unit_id)
),
graded as (
    select g.person_id, g.year::integer as year, g.grade,
    from valid_annual_grades() as g
    where g.year between $first_year and $year
      and g.grade::varchar in (select value from rule_lists where name = 'assessment.graded')
)
select m.unit_id, m.year, count(*) filter (where g.grade = '优秀') / count(*) as share,
from graded as g
join members as m using (year, person_id)
group by m.unit_id, m.year
order by m.unit_id, m.year;
