-- shortlist/pool_date.sql — does the stored pool (table shortlist_pool,
-- snapshots/shortlist_pool.sql) hold $as_of? Asked by qingmiao_lib.shortlist._stored once the
-- table exists and its stamp matches.
-- Grain: one row. Parameters: $as_of (DATE). Columns: stored.
select exists (select 1 from shortlist_pool where snapshot_date = $as_of::date) as stored;
