-- training/lecture_person_months.sql — the person × month attendance matrix of a year.
-- Grain: one row per (person, month) with at least one session held while active and young.
-- Parameters: $as_of (DATE), and the slice filters $units, $counties, $unit_kinds, $cohorts
--   (NULL = none).
-- Source: training_lecture_months (training/lecture_months.sql), which the query layer points at
--   training_lecture_months_stored (training/lecture_marks.sql) while the stored marks are current.
-- Columns: person_id, name, unit_id, month, sessions, attended, excused, absent, rate.
select
    person_id, name, unit_id, month, sessions, attended, excused, absent,
    attended / sessions as rate,
from training_lecture_months($as_of::date)
where training_in_slice(person_id, unit_id, unit_kind, entry_cohort,
                        $units, $counties, $unit_kinds, $cohorts)
order by unit_id, person_id, month;
