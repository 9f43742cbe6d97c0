-- training/hours_totals.sql — training totals of a year by kind and mode (the whole slice).
-- Grain: one row per (kind, mode) with a course starting from 1 January of the year of $as_of to
--   $as_of.
-- Parameters: $as_of (DATE), and the slice filters $units, $counties, $unit_kinds, $cohorts
--   (NULL = none).
-- Columns: kind, mode ('未填' when empty), class (mode not in training.non_class_modes), courses,
--   persons, failed, hours, credited_hours, hours_per_person (credited_hours / persons).
with
people as (
    select person_id
    from training_people($as_of::date)
    where training_in_slice(person_id, unit_id, unit_kind, entry_cohort,
                            $units, $counties, $unit_kinds, $cohorts)
),
courses as (
    select t.person_id, t.kind::varchar as kind, coalesce(t.mode::varchar, '未填') as mode,
           t.passed, t.hours::double as hours,
           training_is_class(t.mode) as class,
    from trainings as t
    semi join people using (person_id)
    where t.start_date between make_date(year($as_of::date), 1, 1) and $as_of::date
),
final as (
    select
        kind, mode, bool_and(class) as class,
        count(*) as courses,
        count(distinct person_id) as persons,
        count(*) filter (where not passed) as failed,
        sum(hours) as hours,
        coalesce(sum(hours) filter (where passed), 0) as credited_hours,
        coalesce(sum(hours) filter (where passed), 0) / count(distinct person_id) as hours_per_person,
    from courses
    group by kind, mode
)
select * from final
order by kind, mode;
