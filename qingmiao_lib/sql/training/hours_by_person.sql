-- training/hours_by_person.sql — training hours per person in a year, by kind and mode.
-- Grain: one row per (person, kind, mode) with a course starting from 1 January of the year of
--   $as_of to $as_of.
-- Parameters: $as_of (DATE), and the slice filters $units (VARCHAR[]), $unit_kinds (VARCHAR[]),
--   $cohorts (INTEGER[]) — each NULL for no filter; a person is sliced by training_people's unit.
-- Columns: person_id, name, unit_id, unit_kind, entry_cohort, kind, mode ('未填' when empty),
--   courses, failed (courses not passed), hours (all courses), credited_hours (passed courses).
with
people as (
    select person_id, name, unit_id, unit_kind, entry_cohort
    from training_people($as_of::date)
    where training_in_slice(unit_id, unit_kind, entry_cohort, $units, $unit_kinds, $cohorts)
),
courses as (
    select t.person_id, t.kind::varchar as kind, coalesce(t.mode::varchar, '未填') as mode,
           t.passed, t.hours::double as hours
    from trainings as t
    where t.start_date between make_date(year($as_of::date), 1, 1) and $as_of::date
),
final as (
    select
        p.person_id, p.name, p.unit_id, p.unit_kind, p.entry_cohort, c.kind, c.mode,
        count(*) as courses,
        count(*) filter (where not c.passed) as failed,
        sum(c.hours) as hours,
        coalesce(sum(c.hours) filter (where c.passed), 0) as credited_hours,
    from courses as c
    join people as p using (person_id)
    group by p.person_id, p.name, p.unit_id, p.unit_kind, p.entry_cohort, c.kind, c.mode
)
select * from final
order by person_id, kind, mode;
