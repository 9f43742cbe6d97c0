-- combine/insert_county.sql — record one county of a combination in table counties
-- (combine/tables.sql): where its records came from, its rules and its data checksum.
-- Grain: one row inserted. Parameters: one per column of counties, by name ($county … $data_to,
-- $combined_at).
insert into counties (county, name, source_file, source_created_at, schema_version, data_checksum,
                      table_checksums, rules_version, source_rules_version, rules_json, rules_file,
                      rules_toml, persons, data_from, data_to, combined_at)
values ($county, $name, $source_file, $source_created_at, $schema_version, $data_checksum,
        $table_checksums, $rules_version, $source_rules_version, $rules_json, $rules_file,
        $rules_toml, $persons, $data_from, $data_to, $combined_at);
