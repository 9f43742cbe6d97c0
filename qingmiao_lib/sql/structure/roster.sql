-- structure/roster.sql — the 干部名册: one row per active person in the slice on a date, with the
-- columns of a cadre roster (三龄二历: age, years of service, party years; education; post; rank).
-- Grain: one row per active person in the slice, ordered by unit, post level (highest first),
-- rank (highest first), entry date.
-- Parameters: $as_of (DATE) and the slice filters of structure/in_slice.sql.
with
people as (
    select s.*, p.title
    from person_snapshot_at($as_of::date) as s
    left join posts as p
      on p.person_id = s.person_id and p.unit_id = s.unit_id and p.start_date = s.level_start
    where s.active
      and in_slice(s.person_id, s.unit_id, s.unit_kind, s.gender, s.education, s.entry_cohort,
                   s.in_young_pool, s.in_two_type_pool, s.young, s.first_five,
                   $units::varchar[], $counties::varchar[], $unit_kinds::varchar[],
                   $genders::varchar[], $educations::varchar[], $cohorts::integer[],
                   $pool::varchar, $young::boolean, $first_five::boolean)
),
final as (
    select
        u.name as unit_name,
        p.person_id,
        p.name,
        p.gender::varchar as gender,
        p.birth_date,
        p.age,
        p.education::varchar as education,
        p.political_status,
        p.party_join_date,
        p.work_start_date,
        p.entry_date,
        p.entry_channel::varchar as entry_channel,
        p.title,
        p.level::varchar as level,
        p.level_start,
        p.rank::varchar as rank,
        p.rank_start,
        p.rank_months // 12 as rank_years,
        p.in_young_pool,
        p.in_two_type_pool,
        p.unit_id, p.level_step, p.rank_step,
    from people as p
    left join units as u on u.unit_id = p.unit_id
)
select * exclude (unit_id, level_step, rank_step)
from final
order by unit_id nulls last, level_step desc, rank_step desc nulls last, entry_date, person_id;
