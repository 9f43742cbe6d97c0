-- person_snapshot_live(as_of) — the base layer computed from the records: the persons-only part
-- (person_core) with the current rank, main post and pools. person_snapshot reads the stored
-- copy of this for the stored dates and calls this for any other date.
-- Grain: one row per person in persons (active or not; filter on `active`).
-- Parameters: as_of (DATE); enabled (BOOLEAN, default true: false reads no rows).
-- Columns: those of person_core, then rank, rank_step, rank_start, rank_months, level,
--   level_step, level_start, level_months, unit_id, unit_kind, in_young_pool, in_two_type_pool.
create or replace temp macro person_snapshot_live(as_of, enabled := true) as table
select
    c.*,
    r.rank,
    r.rank_step,
    r.rank_start,
    r.rank_months,
    coalesce(p.level, '无') as level,
    coalesce(p.level_step, 0) as level_step,
    p.level_start,
    p.level_months,
    p.unit_id,
    p.unit_kind,
    coalesce(pl.in_young_pool, false) as in_young_pool,
    coalesce(pl.in_two_type_pool, false) as in_two_type_pool,
from person_core(as_of) as c
left join person_rank(as_of, enabled := enabled) as r using (person_id)
left join person_post(as_of, enabled := enabled) as p using (person_id)
left join person_pools(as_of, enabled := enabled) as pl using (person_id)
where enabled;
