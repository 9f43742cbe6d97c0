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
-- the persons whose date on either schedule (county level or not) is in the window: the post
-- and rank are looked up for them only
candidates as (
    select person_id, name, gender, birth_date,
    from person_core(as_of::date)
    where active
      and (retirement_date(birth_date, gender, false)
               between as_of::date + 1 and (as_of::date + to_years(years::integer))::date
           or retirement_date(birth_date, gender, true)
               between as_of::date + 1 and (as_of::date + to_years(years::integer))::date)
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
    select c.person_id, c.name, c.gender, c.birth_date, h.unit_id, h.level, h.rank, h.rank_step,
           retirement_age_months(c.birth_date, c.gender, retirement_county_level(h.level))
               as retirement_age_months,
           retirement_date(c.birth_date, c.gender, retirement_county_level(h.level))
               as retirement_date,
    from candidates as c
    left join held as h on h.person_id = c.person_id
),
in_window as (
    select *, full_months(as_of::date, retirement_date) // 12 as whole_years,
    from dated
    where retirement_date > as_of::date
      and retirement_date <= (as_of::date + to_years(years::integer))::date
),
final as (
    select w.person_id, w.name, w.gender::varchar as gender, w.birth_date, w.retirement_age_months,
           w.retirement_date, w.unit_id, u.name as unit_name, w.level::varchar as level,
           w.rank::varchar as rank, w.rank_step,
           -- as_of + y whole years <= date < as_of + (y + 1) years: the year ahead is y + 1,
           -- or y when the date is as_of + y years exactly
           (w.whole_years
            + case when (as_of::date + to_years(w.whole_years::integer))::date = w.retirement_date
                   then 0 else 1 end)::integer as period,
    from in_window as w
    left join units as u on u.unit_id = w.unit_id
)
select * from final;
