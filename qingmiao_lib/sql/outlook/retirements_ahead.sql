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
stored as (
    select exists (select 1 from snapshots where snapshot_date = as_of::date) as yes
),
-- the main post and rank on as_of: the stored snapshot on a stored date, else the base layer's
-- lookups (switched off by `enabled` on a stored date, as in person_snapshot)
held as (
    select person_id, unit_id, level, rank, rank_step,
    from snapshots
    where snapshot_date = as_of::date
    union all
    select coalesce(po.person_id, r.person_id) as person_id, po.unit_id, po.level, r.rank,
           r.rank_step,
    from person_post(as_of::date, enabled := not (select yes from stored)) as po
    full join person_rank(as_of::date, enabled := not (select yes from stored)) as r
        on r.person_id = po.person_id
),
dated as (
    select p.person_id, p.name, p.gender, p.birth_date, h.unit_id, h.level, h.rank, h.rank_step,
           retirement_age_months(p.birth_date, p.gender, retirement_county_level(h.level))
               as retirement_age_months,
           retirement_date(p.birth_date, p.gender, retirement_county_level(h.level))
               as retirement_date,
    from people as p
    left join held as h on h.person_id = p.person_id
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
