-- outlook/retirements_ahead.sql — table macro retirements_ahead(as_of, years): every person
-- active on as_of who reaches the statutory retirement date (outlook/retirement.sql) after as_of
-- and no later than as_of + years, with the main post and rank held on as_of, and the year ahead
-- it falls in. The 县处级 rule reads the main post's level on as_of. On a database holding only
-- persons, unit, level and rank are NULL.
-- Grain: one row per person active on as_of whose retirement date is in (as_of, as_of + years].
-- Parameters: as_of (DATE), years (INTEGER ≥ 1).
-- Columns: person_id, name, gender, birth_date, retirement_age_months, retirement_date, unit_id,
--   unit_name, level, rank, rank_step, period (k = 1 … years: the date is in
--   (as_of + (k − 1) years, as_of + k years], month-end clamped).
create or replace temp macro retirements_ahead(as_of, years) as table
with
people as (
    select person_id, name, gender, birth_date,
    from person_core(as_of::date)
    where active
),
post as (
    select person_id, unit_id, level,
    from person_post(as_of::date)
),
held_rank as (
    select person_id, rank, rank_step,
    from person_rank(as_of::date)
),
dated as (
    select p.person_id, p.name, p.gender, p.birth_date, po.unit_id, po.level, r.rank, r.rank_step,
           retirement_age_months(p.birth_date, p.gender, retirement_county_level(po.level))
               as retirement_age_months,
           retirement_date(p.birth_date, p.gender, retirement_county_level(po.level))
               as retirement_date,
    from people as p
    left join post as po on po.person_id = p.person_id
    left join held_rank as r on r.person_id = p.person_id
),
periods as (
    select k::integer as period,
           (as_of::date + to_years((k - 1)::integer))::date as period_start,
           (as_of::date + to_years(k::integer))::date as period_end,
    from range(1, years::integer + 1) as t(k)
),
final as (
    select d.person_id, d.name, d.gender::varchar as gender, d.birth_date, d.retirement_age_months,
           d.retirement_date, d.unit_id, u.name as unit_name, d.level::varchar as level,
           d.rank::varchar as rank, d.rank_step, pe.period,
    from dated as d
    join periods as pe on d.retirement_date > pe.period_start and d.retirement_date <= pe.period_end
    left join units as u on u.unit_id = d.unit_id
)
select * from final;
