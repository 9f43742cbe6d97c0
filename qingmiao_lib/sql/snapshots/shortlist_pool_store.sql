-- snapshots/shortlist_pool_store.sql — store the shortlist's pool on one date (table
-- shortlist_pool, snapshots/shortlist_pool.sql): shortlist_pool_live for every rank.
-- Grain: inserts one row per person active on $d. Parameters: $d (DATE).
insert into shortlist_pool
select $d::date as snapshot_date, *
from shortlist_pool_live($d::date, null::varchar)
order by current_rank, next_rank, person_id;  -- rank order: one rank's rows lie together (pool_stored)
