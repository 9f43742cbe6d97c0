-- figures/headline.sql — the nine headline figures F1–F9 of SPEC §5 for one year.
-- Grain: one row per figure (code 'F1' … 'F9').
-- Parameters: $year (INTEGER), $as_of (DATE: year_end($year), 31 December of $year by the rules'
--   general.year_end, which the query layer reads persons on), $counties (VARCHAR[] of county
--   codes on a combined database: the persons whose keys are those counties'; NULL = all).
--   Every date is $as_of unless the definition says otherwise; "young" is young on that day.
-- Sources: each person on $as_of from person_snapshot_at (the stored rows on a stored date);
--   F3's classes from training_class_years (training/year_courses.sql: the stored
--   training_years while current), F5 and F6's 优秀 years from eligibility_grade_masks
--   (pipeline/eligibility_on.sql: the stored grade_years while current and holding $year) —
--   qingmiao_lib.figures.headline points them; the same answers either way.
-- Columns: code, value (persons or, for F3, training records), denominator (F2, F5, F6; else NULL).
with
params as (
    select $as_of::date as d, make_date($year::bigint, 1, 1) as y0
),
snap as (
    -- each person on $as_of, of the slice: the county filter is here only (every figure counts
    -- persons of snap); in_year: active at some time in the year (grades of other years are data
    -- errors, qingmiao check)
    select s.person_id, s.active, s.young, s.in_young_pool, s.in_two_type_pool,
           s.entry_date <= params.d and (s.exit_date is null or s.exit_date > params.y0) as in_year
    from person_snapshot_at($as_of::date) as s, params
    where $counties is null or list_contains($counties::varchar[], county_of(s.person_id))
),
pools as (
    -- F1 and F2: the pool memberships covering $as_of (base/person_pools.sql)
    select count(*) filter (where in_young_pool and active and young) as f1,
           count(*) filter (where in_two_type_pool and active and young) as f2,
           count(*) filter (where in_two_type_pool and active) as f2_of,
    from snap
),
-- The other figures count what happened to a person (one row per person below), each counted
-- once its person's state on $as_of is known: one join with snap for all of them (a join per
-- figure built a hash table of a million persons seven times).
classes as (
    -- F3: class records (a mode not in training.non_class_modes, passed or not) starting in $year
    select person_id, class_courses as n
    from training_class_years($year::integer, $year::integer)
),
practised as (
    -- F4: a practice posting starting in $year
    select distinct person_id
    from practices
    where year(start_date) = $year
),
excellent as (
    -- F5: graded 优秀 for $year, with the 优秀 years up to $year as bits 0 … k of m0 (bit
    -- y − base; one grade per person and year: the table's key). base is $year − 125 from the
    -- records (no run of 优秀 years starts 125 years back) or 1950 stored.
    select person_id, k, m0 & ((1::hugeint << (k + 1)) - 1::hugeint) as bits
    from (
        select person_id, m0, ($year::integer - base)::integer as k
        from eligibility_grade_masks($year::integer - 125)
    )
    where (m0 >> k) & 1::hugeint = 1::hugeint
),
runs_to_year as (
    -- F6: the length of the run of consecutive 优秀 years that reaches $year — the years above
    -- the latest year up to $year that is not 优秀 (the highest bit of gaps; floor(log2) of a
    -- double may round up near a power of two, so the candidate is checked)
    select person_id,
           case when gaps = 0 then k + 1
                else k - (floor(log2(gaps::double))::integer
                          - ((1::hugeint << floor(log2(gaps::double))::integer) > gaps)::integer)
           end as run_position
    from (select person_id, k, ~bits & ((1::hugeint << (k + 1)) - 1::hugeint) as gaps from excellent)
),
led as (
    -- F7: a leadership promotion starting in the year (base/leadership_steps.sql: a post above
    -- the level of the person's preceding post; a first-ever post is none)
    select distinct l.person_id
    from leadership_steps(
        make_date($year::bigint, 1, 1),
        least(make_date($year::bigint, 12, 31), (select d from params))) as l
),
rank_promotions as (
    select person_id, start_date
    from ranks
    where reason = '晋升' and year(start_date) = $year
),
stepped_down as (
    -- F8: a rank promotion in the year within figures.step_down_window_days of the end of a
    -- leadership post, with no leadership post started since that end (up to $as_of)
    select distinct r.person_id
    from rank_promotions as r
    join posts as p on p.person_id = r.person_id
    where p.level <> '无' and p.end_date is not null
      and abs(date_diff('day', p.end_date, r.start_date))
          <= rule_num('figures.step_down_window_days')
      and not exists (
          select 1 from posts as later, params
          where later.person_id = p.person_id and later.level <> '无'
            and later.start_date >= p.end_date and later.start_date <= params.d
      )
),
promoted as (
    -- F9: a rank promotion in the year
    select distinct person_id from rank_promotions
),
events as (
    select 'F3' as code, person_id, n, null::integer as run_position from classes
    union all select 'F4', person_id, 1, null from practised
    union all select 'F5', person_id, 1, run_position from runs_to_year
    union all select 'F7', person_id, 1, null from led
    union all select 'F8', person_id, 1, null from stepped_down
    union all select 'F9', person_id, 1, null from promoted
),
counted as (
    -- F6: the F5 persons whose run completes a block of assessment.streak_block_years
    select
        sum(n) filter (where code = 'F3' and young) as f3,
        count(*) filter (where code = 'F4' and young) as f4,
        count(*) filter (where code = 'F5' and in_year and young) as f5,
        count(*) filter (where code = 'F5' and in_year) as f5_of,
        count(*) filter (where code = 'F5' and in_year and young and block) as f6,
        count(*) filter (where code = 'F5' and in_year and block) as f6_of,
        count(*) filter (where code = 'F7' and young) as f7,
        count(*) filter (where code = 'F8' and not young) as f8,
        count(*) filter (where code = 'F9' and young) as f9,
    from (
        select e.code, e.n, s.young, s.in_year,
               e.run_position % rule_num('assessment.streak_block_years')::integer = 0 as block,
        from events as e
        join snap as s using (person_id)
    )
),
final as (
    select 'F1' as code, f1 as value, null::bigint as denominator from pools
    union all select 'F2', f2, f2_of from pools
    union all select 'F3', coalesce(f3, 0), null from counted
    union all select 'F4', f4, null from counted
    union all select 'F5', f5, f5_of from counted
    union all select 'F6', f6, f6_of from counted
    union all select 'F7', f7, null from counted
    union all select 'F8', f8, null from counted
    union all select 'F9', f9, null from counted
)
select code, value::bigint as value, denominator::bigint as denominator
from final
order by code;
