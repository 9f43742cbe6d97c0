-- figures/headline.sql — the nine headline figures F1–F9 of SPEC §5 for one year.
-- Grain: one row per figure (code 'F1' … 'F9').
-- Parameters: $year (INTEGER), $as_of (DATE: year_end($year), 31 December of $year by the rules'
--   general.year_end, which the query layer reads persons on). Every date is $as_of
-- unless the definition says otherwise; "young" is young on that day.
-- Columns: code, value (persons or, for F3, training records), denominator (F2, F5, F6; else NULL).
with
params as (
    select $as_of::date as d, make_date($year::bigint, 1, 1) as y0
),
snap as (
    select s.person_id, s.active, s.young, s.entry_date, s.exit_date
    from person_snapshot_at($as_of::date) as s
),
-- persons active at some time in the year: grades of other years are data errors (qingmiao check)
in_year as (
    select person_id, young
    from snap, params
    where entry_date <= d and (exit_date is null or exit_date > y0)
),
pool_now as (
    select distinct m.person_id, m.pool
    from pool_members as m, params
    where covers(m.entered_on, m.exited_on, params.d)
),
f1 as (
    select count(*) as value, null::bigint as denominator
    from pool_now join snap using (person_id)
    where pool = '年轻公务员库' and active and young
),
f2 as (
    select count(*) filter (where young) as value, count(*) as denominator
    from pool_now join snap using (person_id)
    where pool = '两型干部库' and active
),
f3 as (
    select count(*) as value, null::bigint as denominator
    from trainings as t
    join snap using (person_id)
    where year(t.start_date) = $year and snap.young
      and coalesce(t.mode::varchar, '') not in (
          select value from rule_lists where name = 'training.non_class_modes')
),
f4 as (
    select count(distinct p.person_id) as value, null::bigint as denominator
    from practices as p
    join snap using (person_id)
    where year(p.start_date) = $year and snap.young
),
f5 as (
    select count(*) filter (where young) as value, count(*) as denominator
    from annual_assessments as a
    join in_year using (person_id)
    where a.year = $year and a.grade = '优秀'
),
excellent_years as (
    -- consecutive 优秀 years: year - row_number is constant within a run
    select person_id, year,
           year - row_number() over (partition by person_id order by year) as run_id
    from annual_assessments
    where grade = '优秀' and year <= $year
),
runs_to_year as (
    -- the run that reaches $year, one row per person graded 优秀 for $year: its length is the
    -- position of $year in it (one 优秀 row per person and year: the table's key), counted by a
    -- group-by rather than a second window over every 优秀 row
    select person_id, count(*) as run_position
    from excellent_years
    group by person_id, run_id
    having max(year) = $year
),
f6 as (
    select count(*) filter (where young) as value, count(*) as denominator
    from runs_to_year
    join in_year using (person_id)
    where run_position % rule_num('assessment.streak_block_years')::integer = 0
),
f7 as (
    -- young persons with a leadership promotion starting in the year (base/leadership_steps.sql:
    -- a post above the level of the person's preceding post; a first-ever post is none)
    select count(distinct l.person_id) as value, null::bigint as denominator
    from leadership_steps(
        make_date($year::bigint, 1, 1),
        least(make_date($year::bigint, 12, 31), (select d from params))) as l
    join snap using (person_id)
    where snap.young
),
rank_promotions as (
    select person_id, start_date
    from ranks
    where reason = '晋升' and year(start_date) = $year
),
f8 as (
    select count(distinct r.person_id) as value, null::bigint as denominator
    from rank_promotions as r
    join snap using (person_id)
    join posts as p on p.person_id = r.person_id
    where not snap.young
      and p.level <> '无' and p.end_date is not null
      and abs(date_diff('day', p.end_date, r.start_date))
          <= rule_num('figures.step_down_window_days')
      and not exists (
          select 1 from posts as later, params
          where later.person_id = p.person_id and later.level <> '无'
            and later.start_date >= p.end_date and later.start_date <= params.d
      )
),
f9 as (
    select count(distinct r.person_id) as value, null::bigint as denominator
    from rank_promotions as r
    join snap using (person_id)
    where snap.young
),
final as (
    select 'F1' as code, * from f1
    union all select 'F2', * from f2
    union all select 'F3', * from f3
    union all select 'F4', * from f4
    union all select 'F5', * from f5
    union all select 'F6', * from f6
    union all select 'F7', * from f7
    union all select 'F8', * from f8
    union all select 'F9', * from f9
)
select code, value::bigint as value, denominator::bigint as denominator
from final
order by code;
