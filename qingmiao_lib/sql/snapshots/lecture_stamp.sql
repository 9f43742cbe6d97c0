-- snapshots/lecture_stamp.sql — the fingerprint of everything lecture_marks is computed from
-- (see snapshots/lecture_marks.sql): stored in meta 'lecture_marks_stamp' when the table is
-- written, recomputed by the readers (training.py) before they trust the table; any difference
-- sends them to the live computation.
-- lectures and persons' dates are fingerprinted by content (a hash sum: inserts, deletes and
-- updates all show); lecture_attendance by its row count alone (read from table metadata: a
-- content hash of ~100 million rows would cost more than the table saves), so an insert or
-- delete shows but an UPDATE of a mark's status in place does not — the importer replaces the
-- records and refreshes in one transaction, and `qingmiao check` rejects duplicate marks.
-- The leading version names the table's layout: v2 numbers each county's sessions apart (a
-- table stored by v1 numbered a combination's counties together), so a v1 table is not trusted.
-- Grain: one row, one column (stamp VARCHAR). Parameters: none.
select concat_ws('|',
    'v2',
    'young=' || rule_num('general.young_age_limit'),
    'lectures=' || (select count(*) || ':' || coalesce(sum(hash(lecture_id, held_on)), 0) from lectures),
    'attendance=' || (select count(*) from lecture_attendance),
    'persons=' || (select count(*) || ':' || coalesce(sum(hash(person_id, birth_date, entry_date, exit_date)), 0)
                   from persons)
) as stamp;
