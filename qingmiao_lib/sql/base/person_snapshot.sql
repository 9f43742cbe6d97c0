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
    -- the ranks row covering as_of (one per person: rank intervals do not overlap; should they,
    -- the latest start wins)
    select r.person_id, rr.rank, rr.step as rank_step, r.rank_start,
    from (
        select person_id, arg_max(rank, start_date) as rank, max(start_date) as rank_start,
        from ranks
        where covers(start_date, end_date, as_of)
        group by person_id
    ) as r
    join rule_ranks as rr on rr.rank = r.rank
),
current_post as (
    -- a person may hold several posts at once; the main one is the highest level, then the
    -- latest, then (a tie on both) the greatest unit_id: max of a struct compares field by field
    select person_id, m.unit_id, m.level, m.level_step, m.level_start,
    from (
        select p.person_id,
               max({'level_step': rl.step, 'level_start': p.start_date, 'unit_id': p.unit_id,
                    'level': p.level}) as m,
        from posts as p
        join rule_levels as rl on rl.level = p.level
        where covers(p.start_date, p.end_date, as_of)
        group by p.person_id
    )
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
