-- figures/stated_years.sql — the span of years the database says its records are complete for
-- (meta data_from / data_to, written by the demo and the importer), and whether it holds anyone:
-- qingmiao_lib.figures.data_years answers from this alone when both years are stated, and reads
-- figures/data_years.sql (the records' own span, a scan of every record table) otherwise.
-- Grain: one row. Parameters: none.
-- Columns: first_year, last_year (INTEGER, NULL when not stated), has_persons (BOOLEAN).
select
    max(case when key = 'data_from' then try_cast(value as integer) end) as first_year,
    max(case when key = 'data_to' then try_cast(value as integer) end) as last_year,
    exists (select 1 from persons) as has_persons,
from meta;
