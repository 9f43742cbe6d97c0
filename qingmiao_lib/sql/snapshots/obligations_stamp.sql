-- snapshots/obligations_stamp.sql — the fingerprint of everything obligation_snapshots is
-- computed from (snapshots/obligations.sql; training_obligations_live reads the base layer on
-- the date, the courses, the posts and their units, and the [training] rules with the post
-- levels' appointment_training_days): stored in meta 'obligation_snapshots_stamp' when the table
-- is written, recomputed by training.coverage before it trusts the table; any difference sends
-- it to the records.
-- The rules by the content hash in their version (meta.version: every training.* value, the
-- post levels, general.year_end and the young age limit); units by content (a hash sum:
-- inserts, deletes and updates all show); persons, posts and trainings by row count alone (read
-- from table metadata), so an insert or delete shows but an UPDATE in place does not — as with
-- the other stored tables, the importer replaces the records and refreshes in one transaction.
-- Grain: one row, one column (stamp VARCHAR). Parameters: none.
select concat_ws('|',
    'v1',
    'rules=' || rule_txt('meta.version'),
    'persons=' || (select count(*) from persons),
    'units=' || (select count(*) || ':' || coalesce(sum(hash(unit_id, kind)), 0) from units),
    'posts=' || (select count(*) from posts),
    'trainings=' || (select count(*) from trainings)
) as stamp;
