-- importer/import_log.sql — one row per successful import (created on first import).
-- Never holds identity numbers: files are named with their size and sha256 checksum only.
create table if not exists import_log (
    imported_at timestamp not null,   -- local time of the commit
    files varchar not null,           -- JSON list of {name, bytes, sha256}
    row_counts varchar not null,      -- JSON {table: {read, new, changed, unchanged, deleted}}
    sha256 varchar not null,          -- sha256 over the files' checksums, in order
    replaced boolean not null         -- true for an import with replace (tables made equal to files)
);
