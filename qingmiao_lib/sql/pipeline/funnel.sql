-- pipeline/funnel.sql — the pipeline funnel per entry cohort on a date: recruited → initial
-- training done (a passed 初任培训) → young pool → two-type pool → practice posting → at least
-- one 优秀 → rank promotion (晋升 after entry) → leadership promotion (a post above the preceding
-- post's level). Every step is reached by $as_of (ever, not only currently) and the steps are
-- nested: each counts the persons who also passed every earlier step, so they never increase.
-- Grain: one row per entry cohort.
-- Parameters: $as_of (DATE), $cohorts (INTEGER[] of entry years, NULL = all who entered by $as_of),
--   $counties (VARCHAR[] of county codes on a combined database: the persons whose keys are
--   those counties'; NULL = all).
-- Columns: cohort, recruited, trained, young_pool, two_type_pool, practised, excellent,
--   rank_promoted, leader_promoted.
with
entrants as (
    select person_id, entry_date, year(entry_date) as cohort,
    from persons
    where entry_date <= $as_of::date
      and ($cohorts is null or list_contains($cohorts::integer[], year(entry_date)))
      and ($counties is null or list_contains($counties::varchar[], county_of(person_id)))
),
trained as (
    select distinct person_id from trainings
    where kind = '初任培训' and passed and end_date <= $as_of::date
),
pools as (
    select person_id, bool_or(pool = '年轻公务员库') as young_pool, bool_or(pool = '两型干部库') as two_type,
    from pool_members
    where entered_on <= $as_of::date
    group by person_id
),
practised as (
    select distinct person_id from practices where start_date <= $as_of::date
),
excellent as (
    select distinct person_id from annual_assessments
    where grade = '优秀' and year <= year($as_of::date)
),
ranked as (
    select distinct r.person_id
    from ranks as r
    join entrants as e using (person_id)
    where r.reason = '晋升' and r.start_date > e.entry_date and r.start_date <= $as_of::date
),
led as (
    -- a leadership promotion by as_of (base/leadership_steps.sql)
    select distinct person_id
    from leadership_steps(date '0001-01-01', $as_of::date)
),
flags as (
    -- each step ANDed with every earlier one
    select e.cohort,
           t.person_id is not null as s2,
           s2 and coalesce(pl.young_pool, false) as s3,
           s3 and coalesce(pl.two_type, false) as s4,
           s4 and pr.person_id is not null as s5,
           s5 and x.person_id is not null as s6,
           s6 and r.person_id is not null as s7,
           s7 and l.person_id is not null as s8,
    from entrants as e
    left join trained as t using (person_id)
    left join pools as pl using (person_id)
    left join practised as pr using (person_id)
    left join excellent as x using (person_id)
    left join ranked as r using (person_id)
    left join led as l using (person_id)
),
final as (
    select cohort,
           count(*) as recruited,
           count(*) filter (where s2) as trained,
           count(*) filter (where s3) as young_pool,
           count(*) filter (where s4) as two_type_pool,
           count(*) filter (where s5) as practised,
           count(*) filter (where s6) as excellent,
           count(*) filter (where s7) as rank_promoted,
           count(*) filter (where s8) as leader_promoted,
    from flags
    group by cohort
)
select * from final
order by cohort;
