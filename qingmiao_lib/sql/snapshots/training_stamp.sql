-- snapshots/training_stamp.sql — the fingerprint of everything training_years is computed from
-- (see snapshots/training_years.sql): stored in meta 'training_years_stamp' when the table is
-- written, recomputed by the readers (training.py) before they trust the table; any difference
-- sends them to the live computation.
-- The rules are fingerprinted by value; trainings by its row count alone (read from table
-- metadata: a content hash of ~30 million rows would cost more than the table saves), so an
-- insert or delete shows but an UPDATE of a course in place does not — as with lecture_marks
-- (snapshots/lecture_stamp.sql), the importer replaces the records and refreshes in one
-- transaction.
-- Grain: one row, one column (stamp VARCHAR). Parameters: none.
select concat_ws('|',
    'v2',  -- v2: the hours columns of training.hours_by_person
    'hours_per_day=' || rule_num('training.hours_per_day'),
    'non_class=' || coalesce((select string_agg(value, ',' order by value) from rule_lists
                              where name = 'training.non_class_modes'), ''),
    'trainings=' || (select count(*) from trainings)
) as stamp;
