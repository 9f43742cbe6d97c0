-- training/lecture_source.sql — does year $year fit the stored table lecture_marks
-- (snapshots/lecture_marks.sql: ≤ 64 sessions held that year in each county, one bit each)? training.py then
-- checks that the table is present and its stamp current (db.stored_current).
-- Grain: one row. Parameters: $year (INTEGER).
-- Columns: fits.
select coalesce(max(n), 0) <= 64 as fits
from (select count(*) as n from lectures where year(held_on) = $year::integer
      group by county_of(lecture_id));
