-- combine/tables.sql — what a combined (prefecture) database holds beside the schema's tables.
-- counties       one row per county combined: its code (the prefix of every key of its records,
--                'A:P0001'), name, source file, the checksums of its own records, and the rules
--                its persons are judged by (the merged rules as canonical JSON, their version;
--                source_rules_version: the version the county's own meta says it was built
--                under, when it says one).
-- county_quotas  one row per county, year and rank: the quotas a county set over its whole
--                jurisdiction (quotas.unit_id empty in the county's database). They cannot stay
--                in quotas, where an empty unit means the whole combined jurisdiction.
create table counties (
    county varchar primary key,
    name varchar not null,
    source_file varchar not null,
    source_created_at varchar,
    schema_version varchar not null,
    data_checksum varchar not null,
    table_checksums varchar not null,
    rules_version varchar not null,
    source_rules_version varchar,
    rules_json varchar not null,
    rules_file varchar,
    rules_toml varchar,
    persons bigint not null,
    data_from integer,
    data_to integer,
    combined_at timestamp not null,
    check (regexp_full_match(county, '[0-9A-Za-z_-]{1,32}'))
);

create table county_quotas (
    county varchar not null references counties (county),
    year smallint not null,
    rank rank_name not null,
    max_count integer not null,
    check (max_count >= 0)
);
