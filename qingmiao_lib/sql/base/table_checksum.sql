-- base/table_checksum.sql — one record table's row count and the sum of its rows' hashes, for
-- qingmiao_lib.provenance.data_checksum (independent of row order).
-- Grain: one row. Parameters: $table (VARCHAR: a table of the import contract, bound as a value
--   and read through query_table, so no name is spliced into the SQL text).
select count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
from query_table($table) as t;
