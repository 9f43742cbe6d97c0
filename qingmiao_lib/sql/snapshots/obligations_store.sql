-- snapshots/obligations_store.sql — store the training obligations on one date (table
-- obligation_snapshots, snapshots/obligations.sql): training_obligations_live with no target
-- group, every rule, the whole jurisdiction.
-- Grain: inserts one row per obligation on $d. Parameters: $d (DATE).
insert into obligation_snapshots
select $d::date as snapshot_date, *
from training_obligations_live($d::date, null::varchar[])
order by unit_kind, unit_id, rule, person_id;  -- a unit's or a kind's rows lie together
