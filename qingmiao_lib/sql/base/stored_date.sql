-- base/stored_date.sql — does the table snapshots hold the base layer on $as_of? Then
-- person_snapshot_at reads the stored rows (qingmiao_lib._query.run), else computes them.
-- Grain: one row. Parameters: $as_of (DATE). Columns: stored (BOOLEAN).
select exists (select 1 from snapshots where snapshot_date = $as_of::date) as stored;
