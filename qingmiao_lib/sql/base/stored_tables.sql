-- base/stored_tables.sql — the tables of the file and every row of meta, which together say
-- whether a stored table may be read (qingmiao_lib._db_stored.stored_current): read once for as
-- long as a read-only connection lives (the same two columns as base/database_facts.sql, without
-- the rules and the first years a report also reads there).
-- Grain: one row. Parameters: none.
-- Columns: tables (VARCHAR[]: the tables of the file's main schema, by name), meta
--   (STRUCT(key VARCHAR, value VARCHAR)[]: every meta row, by key).
select
    (select coalesce(list(table_name order by table_name), [])
     from duckdb_tables()
     where database_name = current_database() and schema_name = 'main') as tables,
    (select coalesce(list({'key': key, 'value': value} order by key), [])
     from meta) as meta;
