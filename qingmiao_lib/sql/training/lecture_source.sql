-- training/lecture_source.sql — can the lecture analyses of year $year read the stored table
-- lecture_marks (snapshots/lecture_marks.sql)? Is it there, does it hold the year (≤ 64 sessions
-- held that year), and are its stored macros (training/lecture_marks.sql) installed on this
-- connection (a session variable)? training.py then compares the stamp (snapshots/lecture_stamp.sql) with meta.
-- Grain: one row. Parameters: $year (INTEGER).
-- Columns: stored (table present), fits (the year fits a 64-bit set), installed (macros present),
--   stamp (meta 'lecture_marks_stamp', NULL when never stored).
select
    exists (
        select 1 from duckdb_tables()
        where database_name = current_database() and schema_name = 'main'
          and table_name = 'lecture_marks'
    ) as stored,
    (select count(*) from lectures where year(held_on) = $year::integer) <= 64 as fits,
    -- set by training.py once it has installed them (duckdb_functions() is slow to list)
    coalesce(getvariable('training_lecture_marks_installed'), false) as installed,
    (select value from meta where key = 'lecture_marks_stamp') as stamp;
