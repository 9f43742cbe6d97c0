-- snapshots/quarter_stamp.sql — the fingerprint of what quarter_masks is computed from (see
-- snapshots/quarter_masks.sql): stored in meta 'quarter_masks_stamp' when the table is written,
-- recomputed by evaluation.py before it trusts the table; any difference sends the quarterly
-- trend and declines to the records. regular_assessments is fingerprinted by its row count alone
-- (read from table metadata: a content hash of ~70 million rows would cost more than the table
-- saves), so an insert or delete shows but an UPDATE of a grade in place does not — as with the
-- other stored tables, the importer replaces the records and refreshes in one transaction.
-- Grain: one row, one column (stamp VARCHAR). Parameters: none.
select 'v1|quarters=' || count(*) as stamp
from regular_assessments;
