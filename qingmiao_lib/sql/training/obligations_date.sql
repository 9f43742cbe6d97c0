-- training/obligations_date.sql — does the stored table obligation_snapshots
-- (snapshots/obligations.sql) hold the obligations on $as_of?
-- Grain: one row, one column (held BOOLEAN). Parameters: $as_of (DATE).
select exists (select 1 from obligation_snapshots where snapshot_date = $as_of::date) as held;
