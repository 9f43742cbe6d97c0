-- snapshots/shares_stamp.sql — the fingerprint of everything excellent_shares is computed from
-- (eval_excellent_shares): the rules it reads by value (assessment.graded, general.year_end),
-- and persons, posts and annual_assessments by row count (read from table metadata) — an
-- insert or delete shows, an UPDATE in place does not: as with the other stored tables, the
-- importer replaces the records and refreshes in one transaction. Stored in meta
-- 'excellent_shares_stamp' when the table is written; person_history reads the table only while
-- this still gives the same.
-- Grain: one row, one column (stamp VARCHAR). Parameters: none.
select concat_ws('|',
    'v1',
    'graded=' || coalesce((select string_agg(value, ',' order by value) from rule_lists
                           where name = 'assessment.graded'), ''),
    'year_end=' || coalesce(rule_txt('general.year_end'), ''),
    'persons=' || (select count(*) from persons),
    'posts=' || (select count(*) from posts),
    'annual=' || (select count(*) from annual_assessments)
) as stamp;
