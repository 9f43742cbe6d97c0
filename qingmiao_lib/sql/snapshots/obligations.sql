-- snapshots/obligations.sql — create the stored table obligation_snapshots, empty: every
-- training obligation of the four rules but 专门业务培训 (which only a named target group has)
-- with its status, on each date the base layer is stored (31 December of the recent data years:
-- table snapshots), one snapshots/obligations_store.sql per date — so the coverage matrix, the
-- gap list and the early warnings on such a date read one row per obligation instead of
-- computing each person's courses, appointments and placement (~2 s of CPU at 1,000,000
-- persons, for each year an explorer is shown). Read back by training_obligations_stored
-- (training/obligations_stored.sql) while snapshots/obligations_stamp.sql still matches the
-- stamp stored in meta ('obligation_snapshots_stamp') and the table holds the date.
-- Grain: one row per stored date and obligation. Parameters: none.
-- Columns: snapshot_date, then those of training_obligations_live (training/obligations.sql).
create or replace table obligation_snapshots as
select current_date as snapshot_date, *
from training_obligations_live(current_date, null::varchar[])
with no data;
