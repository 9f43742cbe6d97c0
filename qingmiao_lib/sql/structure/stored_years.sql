-- structure/stored_years.sql — how many year-ends of a range the stored base layer holds.
-- Grain: one row. Parameters: $first_year, $last_year (INTEGER). Columns: stored.
select count(distinct snapshot_date) as stored
from snapshots
where snapshot_date in (
    select year_end(y::integer) from range($first_year::integer, $last_year::integer + 1) as t(y));
