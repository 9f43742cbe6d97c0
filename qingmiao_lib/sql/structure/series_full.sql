-- structure/series_full.sql — series_full(first_year, last_year): person_snapshot on each
-- year-end of a range, in one query. person_snapshot(as_of) takes one date; joined to many
-- dates it re-runs per date (10 years at 1,000,000 persons: ~10 s), so this macro makes the
-- same rows by range joins of the history tables to the list of dates (the conditions of
-- active_on and covers, spelled as plain inequalities so DuckDB can use a range join), the same
-- scalar macros (age_on, full_months) and the same tie-breaks: the current rank is the
-- latest-started covering one; the main post is the highest level, then latest, then unit.
-- Grain: one row per (year, person active on 31 December of that year).
-- Arguments: first_year, last_year (INTEGER).
-- Columns: year, as_of and the person_snapshot columns the structure analyses use.
create or replace temp macro series_full(first_year, last_year) as table
with
dates as (
    select y::integer as year, year_end(y::integer) as as_of
    from range(first_year, last_year + 1) as t(y)
),
people as (
    select d.year, d.as_of, p.*,
    from dates as d
    join persons as p
      on p.entry_date <= d.as_of and coalesce(p.exit_date, date '9999-12-31') > d.as_of
),
rank_at as (
    select d.year, r.person_id, arg_max(r.rank, r.start_date) as rank,
    from dates as d
    join ranks as r
      on r.start_date <= d.as_of and coalesce(r.end_date, date '9999-12-31') > d.as_of
    group by d.year, r.person_id
),
post_at as (
    select d.year, p.person_id, p.unit_id, p.level, rl.step as level_step,
    from dates as d
    join posts as p
      on p.start_date <= d.as_of and coalesce(p.end_date, date '9999-12-31') > d.as_of
    join rule_levels as rl on rl.level = p.level
    qualify row_number() over (
        partition by d.year, p.person_id order by rl.step desc, p.start_date desc, p.unit_id
    ) = 1
),
pool_at as (
    select d.year, m.person_id,
           bool_or(m.pool = '年轻公务员库') as in_young_pool,
           bool_or(m.pool = '两型干部库') as in_two_type_pool,
    from dates as d
    join pool_members as m
      on m.entered_on <= d.as_of and coalesce(m.exited_on, date '9999-12-31') > d.as_of
    group by d.year, m.person_id
),
final as (
    select
        pe.year,
        pe.as_of,
        pe.person_id, pe.gender, pe.education, pe.political_status, pe.entry_channel,
        pe.birth_date,
        year(pe.entry_date) as entry_cohort,
        age_on(pe.birth_date, pe.as_of) as age,
        age_on(pe.birth_date, pe.as_of) < rule_num('general.young_age_limit') as young,
        full_months(pe.entry_date, pe.as_of) < rule_num('general.first_years') * 12 as first_five,
        ra.rank, rr.step as rank_step,
        coalesce(po.level, '无') as level,
        coalesce(po.level_step, 0) as level_step,
        po.unit_id,
        u.kind as unit_kind,
        coalesce(pl.in_young_pool, false) as in_young_pool,
        coalesce(pl.in_two_type_pool, false) as in_two_type_pool,
    from people as pe
    left join rank_at as ra using (year, person_id)
    left join rule_ranks as rr on rr.rank = ra.rank
    left join post_at as po using (year, person_id)
    left join units as u on u.unit_id = po.unit_id
    left join pool_at as pl using (year, person_id)
)
select * from final;

-- structure_series(first_year, last_year): the series structure/over_time.sql reads — this one
-- until the query layer points it at series_persons or series_stored for one query
-- (structure/use_series_persons.sql, structure/use_series_stored.sql; qingmiao_lib.structure
-- chooses) and back (structure/use_series_live.sql, the same definition as this).
create or replace temp macro structure_series(first_year, last_year) as table
    select * from series_full(first_year, last_year);
