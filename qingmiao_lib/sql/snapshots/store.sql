-- snapshots/store.sql — store the base layer on one date (see the snapshots table in schema.sql).
-- Grain: inserts one row per person in persons.
-- Parameters: $d (DATE).
insert into snapshots
select
    $d::date, person_id, name, gender, education, political_status, entry_channel, birth_date,
    entry_date, exit_date, work_start_date, party_join_date, entry_cohort, active, age,
    full_months(entry_date, $d::date),
    rank, rank_step, rank_start, rank_months, level, level_step, level_start, level_months,
    unit_id, unit_kind, in_young_pool, in_two_type_pool,
from person_snapshot_live($d::date);
