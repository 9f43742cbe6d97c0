-- importer/people_macros.sql — how rosters and ledgers compare a person's name: NFC-normalised,
-- every space removed (ASCII, no-break and full-width), so 「张 三」 and 「张三」 are one name.
-- Loaded as a temporary macro on the import connection, after importer/macros.
create or replace temp macro qm_name_key(s) as (
    regexp_replace(nfc_normalize(coalesce(s, '')), '[\s\x{00a0}\x{3000}]+', '', 'g')
);
