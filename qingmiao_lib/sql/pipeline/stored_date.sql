-- pipeline/stored_date.sql — is the base layer stored (table snapshots) on $as_of? On such a
-- date eligibility_on reads its persons from the table only (pipeline._eligibility_sources).
-- Grain: one row. Parameters: $as_of (DATE). Columns: stored.
select exists (select 1 from snapshots where snapshot_date = $as_of::date) as stored;
