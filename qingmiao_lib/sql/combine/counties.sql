-- combine/counties.sql — the counties of a combined database, in code order.
-- Grain: one row per county. Parameters: none.
-- Columns: county, name, source_file, source_created_at, schema_version, data_checksum,
--   table_checksums (JSON), rules_version, source_rules_version, rules_json, rules_file, rules_toml, persons,
--   data_from, data_to, combined_at.
select county, name, source_file, source_created_at, schema_version, data_checksum,
       table_checksums, rules_version, source_rules_version, rules_json, rules_file, rules_toml, persons,
       data_from, data_to, combined_at,
from counties
order by county
