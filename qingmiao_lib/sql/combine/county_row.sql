-- combine/county_row.sql — the counties row of one county's own database, for its Parquet
-- export (a combined database exports its table counties instead).
-- Grain: one row. Parameters: $county, $name (VARCHAR), $rules_version (VARCHAR or NULL).
-- Columns: county, name, schema_version, rules_version, persons, data_from, data_to.
with
stated as (
    select
        max(case when key = 'schema_version' then value end) as schema_version,
        max(case when key = 'data_from' then try_cast(value as integer) end) as data_from,
        max(case when key = 'data_to' then try_cast(value as integer) end) as data_to,
    from meta
),
final as (
    select $county::varchar as county, $name::varchar as name, s.schema_version,
           $rules_version::varchar as rules_version,
           (select count(*) from persons) as persons, s.data_from, s.data_to,
    from stated as s
)
select * from final
