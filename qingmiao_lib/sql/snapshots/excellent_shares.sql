-- snapshots/excellent_shares.sql — the table excellent_shares: the 优秀 shares person_history
-- compares with (eval_excellent_shares, evaluation/valid_grades.sql) for every year $first …
-- $last (the stored years; an empty range: an empty table), written by
-- qingmiao_lib.db.refresh_snapshots with its stamp (snapshots/shares_stamp.sql) and its years
-- (meta excellent_shares_years, 'first,last').
-- Grain and columns: those of eval_excellent_shares.
create or replace table excellent_shares as
select unit_id, year, share
from eval_excellent_shares($first::integer, $last::integer, null::varchar[]);
