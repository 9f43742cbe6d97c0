-- snapshots/shortlist_stamp.sql — the fingerprint of everything shortlist_pool is computed from
-- (snapshots/shortlist_pool.sql; shortlist_pool_live reads eligibility_on and the 三优先
-- measures): stored in meta 'shortlist_pool_stamp' when the table is written, recomputed by the
-- shortlist (qingmiao_lib.shortlist._stored) before it trusts the table; any difference sends
-- it to the records.
-- The rules by the content hash in their version (meta.version: every promotion.*, shortlist.*
-- and retirement value, the rank ladder and the post levels); units by content (a hash sum:
-- inserts, deletes and updates all show); persons and the history tables by row count alone
-- (read from table metadata), so an insert or delete shows but an UPDATE in place does not — as
-- with the other stored tables, the importer replaces the records and refreshes in one
-- transaction. A content hash of persons (~0.1 s at 1.6 million) would guard nothing more: on a
-- stored date the eligibility reads the persons' dates from the stored base layer (snapshots),
-- which the same refresh writes and nothing stamps. The shortlist asks for this on every call.
-- Grain: one row, one column (stamp VARCHAR). Parameters: none.
select concat_ws('|',
    'v2',  -- v2: retirement_date; stored in rank order
    'rules=' || rule_txt('meta.version'),
    'persons=' || (select count(*) from persons),
    'units=' || (select count(*) || ':' || coalesce(sum(hash(unit_id, kind)), 0) from units),
    'posts=' || (select count(*) from posts),
    'ranks=' || (select count(*) from ranks),
    'annual=' || (select count(*) from annual_assessments),
    'supervision=' || (select count(*) from supervision),
    'tasks=' || (select count(*) from special_tasks),
    'practices=' || (select count(*) from practices)
) as stamp;
