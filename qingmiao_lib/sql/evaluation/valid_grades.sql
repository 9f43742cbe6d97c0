-- evaluation/valid_grades.sql — annual grades of years in which the person was active.
-- A grade counts only when its person was active at some time in its (calendar) year:
-- entry_date <= 31 Dec and (exit_date is null or exit_date > 1 Jan). Other grades are data
-- errors, listed by evaluation.invalid_grades (for `qingmiao check`) and counted nowhere.
-- Table macro valid_annual_grades(); grain: one row per person and year (annual_assessments).
-- Columns: person_id, year, grade.
create or replace temp macro valid_annual_grades() as table
select a.person_id, a.year, a.grade,
from annual_assessments as a
join persons as p using (person_id)
where p.entry_date <= make_date(a.year, 12, 31)
  and (p.exit_date is null or p.exit_date > make_date(a.year, 1, 1));

-- eval_excellent_shares(first_year, last_year, units): the 优秀 shares one person's record
-- compares with, per year first_year … last_year (at most 127 years: each year is a bit) — the
-- whole jurisdiction's (unit_id NULL) and each unit's over the persons holding a post in it on
-- the year's year_end (any post, not only the main one); graded persons only (rules
-- assessment.graded; 不定等次 excluded) and valid grades only (valid_annual_grades). units
-- (VARCHAR[] of unit_id, NULL = every unit) keeps those units' rows; the jurisdiction's are
-- there whatever it is. Read by evaluation/shares.sql and stored for the stored years in the
-- table excellent_shares (snapshots/excellent_shares.sql).
-- Grain: one row per year with a graded grade (unit_id NULL), and one per unit and year with a
--   graded member. Columns: unit_id, year (INTEGER), share (优秀 / graded).
-- Method: the years as bits of a HUGEINT: each person's graded and 优秀 years as two masks —
--   read once for both shares — and each (unit, person)'s covered year ends as one (two posts in
--   one unit covering one day count the person once), joined on the person alone; the (unit,
--   masks) groups are then counted per year. No join or DISTINCT over (year, person) rows — at a
--   million persons those cost ~5 s, this ~2 s.
create or replace temp macro eval_excellent_shares(first_year, last_year, units) as table
with
years as (
    select range::integer as year, year_end(range::integer) as d,
    from range(first_year::bigint, last_year::bigint + 1)
),
graded as materialized (
    select
        g.person_id,
        bit_or(1::hugeint << (g.year - first_year::integer)::integer) as graded,
        bit_or(case when g.grade = '优秀' then 1::hugeint << (g.year - first_year::integer)::integer
                    else 0::hugeint end) as excellent,
    from valid_annual_grades() as g
    where g.year between first_year::integer and last_year::integer
      and g.grade::varchar in (select value from rule_lists where name = 'assessment.graded')
    group by g.person_id
),
jurisdiction as (
    select null::varchar as unit_id, y.year,
           count(*) filter (where (g.excellent >> (y.year - first_year::integer)::integer) & 1 = 1)
               / count(*) as share,
    from graded as g
    join years as y on (g.graded >> (y.year - first_year::integer)::integer) & 1 = 1
    group by y.year
),
members as (
    -- each person's year ends in each unit: bit y − first_year::integer when a post there covers it
    select p.unit_id, p.person_id, bit_or(1::hugeint << (y.year - first_year::integer)::integer) as held,
    from years as y
    join posts as p on covers(p.start_date, p.end_date, y.d)
    where units::varchar[] is null or list_contains(units::varchar[], p.unit_id)
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
           coalesce(sum(k.n) filter (where (k.top >> (y.year - first_year::integer)::integer) & 1 = 1), 0)
               / sum(k.n) as share,
    from kinds as k
    join years as y on (k.counted >> (y.year - first_year::integer)::integer) & 1 = 1
    group by k.unit_id, y.year
)
select * from jurisdiction
union all
select * from by_unit;
