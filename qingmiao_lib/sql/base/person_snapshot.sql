-- person_snapshot(as_of) — the base layer of SPEC §5 "General": every person on a date, the
-- persons-only part (person_core) with the current rank, main post and pools. A query that needs
-- only some of these joins the parts it needs (person_core, person_rank, person_post,
-- person_pools): DuckDB does not drop an unused left join, and each part reads a history table.
-- Grain: one row per person in persons (active or not; filter on `active`).
-- Parameters: as_of (DATE).
-- Columns: those of person_core, then rank, rank_step, rank_start, rank_months, level,
--   level_step, level_start, level_months, unit_id, unit_kind, in_young_pool, in_two_type_pool.
create or replace temp macro person_snapshot(as_of) as table
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
left join person_rank(as_of) as r using (person_id)
left join person_post(as_of) as p using (person_id)
left join person_pools(as_of) as pl using (person_id);
