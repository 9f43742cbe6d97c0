-- pipeline/temp_table_exists.sql — does a temporary table exist on this connection? (the marker
-- that qingmiao_lib.pipeline's macros are loaded; cheaper than listing duckdb_functions()).
-- Grain: one row. Parameters: $name (VARCHAR). Columns: found (BOOLEAN).
select count(*) > 0 as found
from information_schema.tables
where table_catalog = 'temp' and table_name = $name;
