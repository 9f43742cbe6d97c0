-- structure/series_persons.sql — series_persons(first_year, last_year): the persons active on
-- each year-end of a range, with the person-level columns of person_snapshot only (no rank,
-- post, unit or pool: those are NULL/false). The fast path of structure.over_time when no
-- chosen dimension or filter needs a post, rank or pool.
-- Grain: one row per (year, person active on 31 December of that year).
-- Arguments: first_year, last_year (INTEGER).
-- Columns: as person_snapshot (same names and the same scalar macros), plus year and as_of.
create or replace temp macro series_persons(first_year, last_year) as table
with
dates as (
    select y::integer as year, year_end(y::integer) as as_of
    from range(first_year, last_year + 1) as t(y)
),
final as (
    select
        d.year,
        d.as_of,
        p.person_id, p.gender, p.education, p.political_status, p.entry_channel, p.birth_date,
        year(p.entry_date) as entry_cohort,
        age_on(p.birth_date, d.as_of) as age,
        age_on(p.birth_date, d.as_of) < rule_num('general.young_age_limit') as young,
        full_months(p.entry_date, d.as_of) < rule_num('general.first_years') * 12 as first_five,
        null::varchar as rank, null::integer as rank_step,
        '无' as level, 0 as level_step,
        null::varchar as unit_id, null::varchar as unit_kind,
        false as in_young_pool, false as in_two_type_pool,
    from dates as d
    join persons as p on active_on(p.entry_date, p.exit_date, d.as_of)
)
select * from final;
