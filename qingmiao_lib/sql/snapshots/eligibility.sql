-- snapshots/eligibility.sql — create the stored table eligibility_snapshots, empty: the
-- rank-promotion eligibility of every active person (eligibility_on_live, pipeline/eligibility_on.sql,
-- the whole database as one jurisdiction) on the latest year ends the shortlist's pool is stored
-- on (qingmiao_lib.shortlist.POOL_YEARS), one snapshots/eligibility_store.sql per date — so the
-- list, the counts and the eligibility explorer on such a date read one row per person instead of
-- judging everyone from the history (~2 s of CPU at 1,000,000 persons, for each date shown). Read
-- back by eligibility_on_stored (pipeline/eligibility_stored.sql) while
-- snapshots/shortlist_stamp.sql (the fingerprint of everything the eligibility reads) still
-- matches the stamp stored in meta ('eligibility_snapshots_stamp') and the table holds the date.
-- Grain: one row per stored date and person active on it. Parameters: none.
-- Columns: snapshot_date, then those of eligibility_on_live.
create or replace table eligibility_snapshots as
select current_date as snapshot_date, *
from eligibility_on_live(current_date)
with no data;
