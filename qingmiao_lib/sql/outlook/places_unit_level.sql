-- outlook/places_unit_level.sql — leadership posts and other posts opened by statutory
-- retirement, per year ahead, unit and post level of the retiring holder's main post on as_of.
-- Grain: one row per (period, unit, level) with at least one retirement; persons without a post
--   on as_of form the row unit_id NULL, level NULL.
-- Parameters: $as_of (DATE), $years (INTEGER ≥ 1), $counties (VARCHAR[] of county codes on a
--   combined database: the retirements of those counties' persons; NULL = all).
-- Columns: period, period_start, period_end, unit_id, unit_name, level, level_step, retirements.
with
counted as (
    select period, unit_id, unit_name, level, count(*)::bigint as retirements,
    from retirements_ahead($as_of::date, $years::integer)
    where $counties::varchar[] is null or list_contains($counties::varchar[], county_of(person_id))
    group by period, unit_id, unit_name, level
),
final as (
    select c.period,
           ($as_of::date + to_years((c.period - 1)::integer))::date as period_start,
           ($as_of::date + to_years(c.period::integer))::date as period_end,
           c.unit_id, c.unit_name, c.level, rl.step as level_step, c.retirements,
    from counted as c
    left join rule_levels as rl on rl.level::varchar = c.level
)
select * from final
order by period, unit_id nulls last, level_step desc nulls last;
