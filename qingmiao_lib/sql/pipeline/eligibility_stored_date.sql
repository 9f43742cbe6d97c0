-- pipeline/eligibility_stored_date.sql — does the stored table eligibility_snapshots
-- (snapshots/eligibility.sql) hold the eligibility on $as_of?
-- Grain: one row, one column (held BOOLEAN). Parameters: $as_of (DATE).
select exists (select 1 from eligibility_snapshots where snapshot_date = $as_of::date) as held;
