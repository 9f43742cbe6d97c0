-- training/lecture_persons.sql — weekly-lecture attendance per person for the year of $as_of.
-- Grain: one row per person with at least one session held while active and young.
-- Parameters: $as_of (DATE), and the slice filters $units, $counties, $unit_kinds, $cohorts
--   (NULL = none).
-- Source: training_lecture_years (training/lecture_months.sql), which the query layer points at
--   training_lecture_years_stored (training/lecture_marks.sql) while the stored marks are current.
-- Columns: person_id, name, unit_id, unit_name, unit_kind, entry_cohort, sessions, attended,
--   excused, absent, rate (attended / sessions), excused_rate, below (rate <
--   lecture.attendance_threshold).
with
persons as (
    select *
    from training_lecture_years($as_of::date)
    where training_in_slice(person_id, unit_id, unit_kind, entry_cohort,
                            $units, $counties, $unit_kinds, $cohorts)
),
final as (
    select
        p.person_id, p.name, p.unit_id, u.name as unit_name, p.unit_kind, p.entry_cohort,
        p.sessions, p.attended, p.excused, p.absent,
        p.attended / p.sessions as rate,
        p.excused / p.sessions as excused_rate,
        p.attended / p.sessions < rule_num('lecture.attendance_threshold') as below,
    from persons as p
    left join units as u using (unit_id)
)
select * from final
order by rate, unit_id, person_id;
