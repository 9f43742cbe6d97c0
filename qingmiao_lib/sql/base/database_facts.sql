-- base/database_facts.sql — what the checks on the stored tables and the report's cover read
-- about the database, in one statement: the names of its tables and every row of meta
-- (qingmiao_lib._db_stored.database_facts).
-- Grain: one row. Parameters: none.
-- Columns: tables (VARCHAR[]: the tables of the file's main schema, by name), meta
--   (STRUCT(key VARCHAR, value VARCHAR)[]: every meta row, by key).
with
final as (
    select
        (select coalesce(list(table_name order by table_name), [])
         from duckdb_tables()
         where database_name = current_database() and schema_name = 'main') as tables,
        (select coalesce(list({'key': key, 'value': value} order by key), [])
         from meta) as meta,
)
select * from final;
