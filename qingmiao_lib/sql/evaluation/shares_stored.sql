-- evaluation/shares_stored.sql — evaluation/shares.sql read from the stored table excellent_shares
-- (snapshots/excellent_shares.sql: eval_excellent_shares over the stored years, written by
-- qingmiao_lib.db.refresh_snapshots): evaluation.person_history reads it while the table's
-- stamp (snapshots/shares_stamp.sql) matches and it holds every year asked for — the same rows.
-- Grain, parameters and columns: those of evaluation/shares.sql.
select unit_id, year, share
from excellent_shares
where year between $first_year::integer and $year::integer
  and (unit_id is null or $units::varchar[] is null or list_contains($units::varchar[], unit_id))
order by unit_id nulls first, year;
