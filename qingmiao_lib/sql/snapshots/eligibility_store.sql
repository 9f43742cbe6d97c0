-- snapshots/eligibility_store.sql — store the eligibility on one date (table
-- eligibility_snapshots, snapshots/eligibility.sql): eligibility_on_live for the whole database.
-- Grain: inserts one row per person active on $d. Parameters: $d (DATE).
insert into eligibility_snapshots
select $d::date as snapshot_date, *
from eligibility_on_live($d::date);
