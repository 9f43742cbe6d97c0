-- base/database_facts.sql — what a report reads about the database itself, in one statement
-- (qingmiao_lib.provenance.database_facts): the names of its tables and every row of meta (the
-- checks on the stored tables, the cover's jurisdiction and source), what the cover prints from
-- the rules file, and the first year of the records the trend charts start from.
-- Grain: one row. Parameters: none.
-- Columns: tables (VARCHAR[]: the tables of the file's main schema, by name), meta
--   (STRUCT(key VARCHAR, value VARCHAR)[]: every meta row, by key), classification (rules
--   report.classification), title (rules meta.title; NULL when unset), entry (year of the
--   earliest persons.entry_date), pool (of pool_members.entered_on), practice (of
--   practices.start_date); a first year is NULL when its table has no rows.
with
final as (
    select
        (select coalesce(list(table_name order by table_name), [])
         from duckdb_tables()
         where database_name = current_database() and schema_name = 'main') as tables,
        (select coalesce(list({'key': key, 'value': value} order by key), [])
         from meta) as meta,
        rule_txt('report.classification') as classification,
        rule_txt('meta.title') as title,
        (select year(min(entry_date)) from persons) as entry,
        (select year(min(entered_on)) from pool_members) as pool,
        (select year(min(start_date)) from practices) as practice,
)
select * from final;
