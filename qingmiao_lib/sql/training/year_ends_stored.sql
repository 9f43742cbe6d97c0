-- training/year_ends_stored.sql — is the base layer stored (table snapshots) on the year_end of
-- every year from $first to $last? (training.coverage_trend then counts every year in one pass.)
-- Grain: one row. Parameters: $first, $last (INTEGER). Columns: stored.
select count(*) = $last::integer - $first::integer + 1 as stored
from (select year_end(y::integer) as d from range($first::integer, $last::integer + 1) as t(y))
where exists (select 1 from snapshots where snapshot_date = d);
