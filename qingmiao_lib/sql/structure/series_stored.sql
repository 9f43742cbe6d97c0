-- structure/series_stored.sql — series_stored(first_year, last_year): the same rows as
-- series_full, read from the stored base layer (table snapshots) — used when every year-end of
-- the range is stored (qingmiao_lib.structure checks), so nothing is re-derived from histories.
-- Grain: one row per (year, person active on 31 December of that year).
-- Arguments: first_year, last_year (INTEGER).
-- Columns: those of series_full.
create or replace temp macro series_stored(first_year, last_year) as table
select
    year(s.snapshot_date)::integer as year,
    s.snapshot_date as as_of,
    s.person_id, s.gender, s.education, s.political_status, s.entry_channel, s.birth_date,
    s.entry_cohort,
    s.age,
    s.age < rule_num('general.young_age_limit') as young,
    s.entry_months < rule_num('general.first_years') * 12 as first_five,
    s.rank, s.rank_step, s.level, s.level_step, s.unit_id, s.unit_kind,
    s.in_young_pool, s.in_two_type_pool,
from snapshots as s
where s.active
  and s.snapshot_date in (select year_end(y::integer) from range(first_year, last_year + 1) as t(y));
