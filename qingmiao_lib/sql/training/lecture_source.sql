-- training/lecture_source.sql — does year $year fit the stored table lecture_marks
-- (snapshots/lecture_marks.sql: ≤ 64 sessions held that year, one bit each)? training.py then
-- checks that the table is present and its stamp current (db.stored_current).
-- Grain: one row. Parameters: $year (INTEGER).
-- Columns: fits.
select (select count(*) from lectures where year(held_on) = $year::integer) <= 64 as fits;
