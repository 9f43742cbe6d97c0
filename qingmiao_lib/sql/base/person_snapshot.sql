-- person_snapshot(as_of) — the base layer of SPEC §5 "General": every person on a date.
-- On a stored date (table snapshots: 31 December of the recent data years, written when the demo
-- is built and after every import) the stored rows are read; on any other date the snapshot is
-- computed from the records (person_snapshot_live), whose history lookups are switched off by
-- `enabled` when the date is stored, so only one branch does work. young and first_five are
-- derived here from age and months since entry, under the rules of this connection.
-- A query that needs only some parts may join person_core, person_rank, person_post and
-- person_pools directly (DuckDB does not drop an unused left join).
-- The same rows come from two named macros, one per path: person_snapshot_stored(as_of) (the
-- stored rows, none on a date not stored) and person_snapshot_live(as_of). A query of the
-- analysis areas run on one date $as_of reads person_snapshot_at($as_of::date) instead, which
-- the query layer (qingmiao_lib._query.run, through base/use_snapshot_<variant>.sql) points at
-- the one path that date needs, so only that path is planned (planning both costs ~8 ms a
-- query); it is on the live path on a fresh connection, else where the last query left it.
-- Grain: one row per person in persons (active or not; filter on `active`).
-- Parameters: as_of (DATE).
-- Columns: person_id, name, gender, education, political_status, entry_channel, birth_date,
--   entry_date, exit_date, work_start_date, party_join_date, entry_cohort, active, age, young,
--   first_five, rank, rank_step, rank_start, rank_months, level, level_step, level_start,
--   level_months, unit_id, unit_kind, in_young_pool, in_two_type_pool.
create or replace temp macro person_snapshot_stored(as_of) as table
select
    person_id, name, gender, education, political_status, entry_channel, birth_date, entry_date,
    exit_date, work_start_date, party_join_date, entry_cohort, active, age,
    age < rule_num('general.young_age_limit') as young,
    active and entry_months < rule_num('general.first_years') * 12 as first_five,
    rank, rank_step, rank_start, rank_months, level, level_step, level_start, level_months,
    unit_id, unit_kind, in_young_pool, in_two_type_pool,
from snapshots
where snapshot_date = as_of;

create or replace temp macro person_snapshot(as_of) as table
select * from person_snapshot_stored(as_of)
union all
select *
from person_snapshot_live(
    as_of, enabled := not exists (select 1 from snapshots where snapshot_date = as_of)
);

-- person_snapshot_at(as_of): person_snapshot on a query's $as_of through one path; on a fresh
-- connection the live one (base/use_snapshot_live.sql).
create or replace temp macro person_snapshot_at(as_of) as table
select * from person_snapshot_live(as_of);
