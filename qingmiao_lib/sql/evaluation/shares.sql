-- evaluation/shares.sql — the 优秀 shares one person's record (person_history.sql) compares
-- with, per year: the whole jurisdiction's, and each unit's over the persons holding a post in
-- it on 31 December of that year (any post, not only the main one). Shares count graded persons
-- only (rules assessment.graded; 不定等次 excluded) and valid grades only. Each reads every grade
-- of the range and is the same for every person of a unit, so evaluation.person_history
-- computes every unit's at once and keeps them (a person's own would cost a scan of every grade
-- and post row per person), or only the person's unit when it cannot keep them.
-- Grain: one row per year in [$first_year, $year] with a graded grade (unit_id NULL: the
--   jurisdiction's), and one per unit and year with a graded member.
-- Parameters: $first_year, $year, $units (VARCHAR[] of unit_id, NULL = every unit; the
--   jurisdiction's rows are there whatever it is).
-- Columns: unit_id (NULL: the jurisdiction), year (INTEGER), share (优秀 / graded).
-- Method: the years as bits (bit y − $first_year of a HUGEINT; person_history asks for a few
--   years): each person's graded and 优秀 years (valid_annual_grades) as two masks — read once
--   for both shares — and each (unit, person)'s covered year ends as one (two posts in one unit
--   covering one day count the person once), joined on the person alone; the (unit, masks)
--   groups are then counted per year. No join or DISTINCT over (year, person) rows — at a
--   million persons those cost ~5 s, this ~2 s.
with
years as (
    select range::integer as year, year_end(range::integer) as d,
    from range($first_year::bigint, $year::bigint + 1)
),
graded as materialized (
    select
        g.person_id,
        bit_or(1::hugeint << (g.year - $first_year)::integer) as graded,
        bit_or(case when g.grade = '优秀' then 1::hugeint << (g.year - $first_year)::integer
                    else 0::hugeint end) as excellent,
    from valid_annual_grades() as g
    where g.year between $first_year and $year
      and g.grade::varchar in (select value from rule_lists where name = 'assessment.graded')
    group by g.person_id
),
jurisdiction as (
    select null::varchar as unit_id, y.year,
           count(*) filter (where (g.excellent >> (y.year - $first_year)::integer) & 1 = 1)
               / count(*) as share,
    from graded as g
    join years as y on (g.graded >> (y.year - $first_year)::integer) & 1 = 1
    group by y.year
),
members as (
    -- each person's year ends in each unit: bit y − $first_year when a post there covers it
    select p.unit_id, p.person_id, bit_or(1::hugeint << (y.year - $first_year)::integer) as held,
    from years as y
    join posts as p on covers(p.start_date, p.end_date, y.d)
    where $units::varchar[] is null or list_contains($units::varchar[], p.unit_id)
    group by p.unit_id, p.person_id
),
kinds as (
    -- the (unit, graded years held, 优秀 years held) groups and their persons
    select m.unit_id, m.held & g.graded as counted, m.held & g.excellent as top, count(*) as n,
    from members as m
    join graded as g using (person_id)
    where m.held & g.graded <> 0
    group by all
),
by_unit as (
    select k.unit_id, y.year,
           coalesce(sum(k.n) filter (where (k.top >> (y.year - $first_year)::integer) & 1 = 1), 0)
               / sum(k.n) as share,
    from kinds as k
    join years as y on (k.counted >> (y.year - $first_year)::integer) & 1 = 1
    group by k.unit_id, y.year
)
select * from jurisdiction
union all
select * from by_unit
order by unit_id nulls first, year;
