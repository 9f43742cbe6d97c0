-- person_snapshot(as_of) — the base layer of SPEC §5 "General": every person on a date.
-- Grain: one row per person in persons (active or not; filter on `active`).
-- Parameters: as_of (DATE).
-- Columns: person_id, name, gender, education, political_status, entry_channel, birth_date,
--   entry_date, exit_date, entry_cohort, active, age, young, first_five, rank, rank_step,
--   rank_start, rank_months, level, level_step, level_start, level_months, unit_id, unit_kind,
--   in_young_pool, in_two_type_pool.
create or replace temp macro person_snapshot(as_of) as table
with
current_rank as (
    select r.person_id, r.rank, rr.step as rank_step, r.start_date as rank_start,
    from ranks as r
    join rule_ranks as rr on rr.rank = r.rank
    where covers(r.start_date, r.end_date, as_of)
    qualify row_number() over (partition by r.person_id order by r.start_date desc) = 1
),
current_post as (
    -- a person may hold several posts at once; the main one is the highest level, then latest
    select p.person_id, p.unit_id, p.level, rl.step as level_step, p.start_date as level_start,
    from posts as p
    join rule_levels as rl on rl.level = p.level
    where covers(p.start_date, p.end_date, as_of)
    qualify row_number() over (
        partition by p.person_id order by rl.step desc, p.start_date desc, p.unit_id
    ) = 1
),
pools as (
    select
        person_id,
        bool_or(pool = '年轻公务员库') as in_young_pool,
        bool_or(pool = '两型干部库') as in_two_type_pool,
    from pool_members
    where covers(entered_on, exited_on, as_of)
    group by person_id
),
final as (
    select
        p.person_id,
        p.name,
        p.gender,
        p.education,
        p.political_status,
        p.entry_channel,
        p.birth_date,
        p.entry_date,
        p.exit_date,
        year(p.entry_date) as entry_cohort,
        active_on(p.entry_date, p.exit_date, as_of) as active,
        age_on(p.birth_date, as_of) as age,
        age_on(p.birth_date, as_of) < rule_num('general.young_age_limit') as young,
        -- entry_date > as_of - 5 years, with the month-end clamping of age and full months
        -- (entered 2016-02-29: five years are complete on 2021-02-28, as for a birthday)
        active_on(p.entry_date, p.exit_date, as_of)
            and full_months(p.entry_date, as_of) < rule_num('general.first_years') * 12
            as first_five,
        cr.rank,
        cr.rank_step,
        cr.rank_start,
        full_months(cr.rank_start, as_of) as rank_months,
        coalesce(cp.level, '无') as level,
        coalesce(cp.level_step, 0) as level_step,
        cp.level_start,
        full_months(cp.level_start, as_of) as level_months,
        cp.unit_id,
        u.kind as unit_kind,
        coalesce(pl.in_young_pool, false) as in_young_pool,
        coalesce(pl.in_two_type_pool, false) as in_two_type_pool,
    from persons as p
    left join current_rank as cr using (person_id)
    left join current_post as cp using (person_id)
    left join units as u on u.unit_id = cp.unit_id
    left join pools as pl using (person_id)
)
select * from final;
