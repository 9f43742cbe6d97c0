-- combine/is_combined.sql — is the database behind the connection a combined one?
-- Grain: one row. Columns: combined (BOOLEAN: it holds the table counties).
select exists (
    select 1 from duckdb_tables()
    where database_name = current_database() and schema_name = 'main' and table_name = 'counties'
) as combined
