-- training/hours_by_person.sql — training hours per person in a year, by kind and mode.
-- Grain: one row per (person, kind, mode) with a course starting from 1 January of the year of
--   $as_of to $as_of.
-- Parameters: $as_of (DATE), and the slice filters $units (VARCHAR[]), $unit_kinds (VARCHAR[]),
--   $cohorts (INTEGER[]) — each NULL for no filter; a person is sliced by training_people's unit.
-- Columns: person_id, name, unit_id, unit_kind, entry_cohort, kind, mode ('未填' when empty),
--   courses, failed (courses not passed), hours (all courses), credited_hours (passed courses).
--   kind and unit_kind leave as enums (training._frame makes the same pandas strings from their
--   Arrow dictionaries); the rows are ordered by the kind's name, as text.
-- Method: the courses are summed per (person, kind, mode) before the person's columns are joined;
--   the person is training_people($as_of) without its unit fallback (the unit of the latest post
--   started by $as_of, for a person without a main post that day), which is looked up only for
--   the few such persons with a course, as in training/obligations.sql. With a slice, only the
--   courses of persons in it by their main post (or without one that day) are summed.
with
people as not materialized (
    select s.person_id, s.name, s.unit_id, s.unit_kind, s.entry_cohort
    from person_snapshot($as_of::date) as s
    where s.entry_date <= $as_of::date
),
summed as (
    select
        t.person_id, t.kind, coalesce(t.mode::varchar, '未填') as mode,
        count(*) as courses,
        count(*) filter (where not t.passed) as failed,
        sum(t.hours::double) as hours,
        coalesce(sum(t.hours::double) filter (where t.passed), 0) as credited_hours,
    from (
        -- no slice: every course of the year (no lookup per course)
        select person_id, kind, mode, passed, hours
        from trainings
        where start_date between make_date(year($as_of::date), 1, 1) and $as_of::date
          and $units::varchar[] is null and $unit_kinds::varchar[] is null
          and $cohorts::integer[] is null
        union all
        -- a slice: only its persons' courses (and those of persons placed by the fallback below)
        select person_id, kind, mode, passed, hours
        from trainings
        semi join (
            select person_id from people
            where unit_id is null
               or training_in_slice(unit_id, unit_kind, entry_cohort, $units, $unit_kinds, $cohorts)
        ) using (person_id)
        where start_date between make_date(year($as_of::date), 1, 1) and $as_of::date
          and ($units::varchar[] is not null or $unit_kinds::varchar[] is not null
               or $cohorts::integer[] is not null)
    ) as t
    group by t.person_id, t.kind, t.mode
),
last_unit as (
    select l.person_id, l.unit_id, u.kind as unit_kind
    from (
        select p.person_id, arg_max(p.unit_id, p.start_date) as unit_id
        from posts as p
        where p.start_date <= $as_of::date
          and p.person_id in (
              select person_id from people
              where unit_id is null
                and person_id in (
                    select person_id from trainings
                    where start_date between make_date(year($as_of::date), 1, 1) and $as_of::date))
        group by p.person_id
    ) as l
    left join units as u on u.unit_id = l.unit_id
),
final as (
    select
        p.person_id, p.name, coalesce(p.unit_id, lu.unit_id) as unit_id,
        coalesce(p.unit_kind, lu.unit_kind) as unit_kind, p.entry_cohort, c.kind, c.mode,
        c.courses, c.failed, c.hours, c.credited_hours,
    from summed as c
    join people as p using (person_id)
    left join last_unit as lu on p.unit_id is null and lu.person_id = p.person_id
    where training_in_slice(coalesce(p.unit_id, lu.unit_id), coalesce(p.unit_kind, lu.unit_kind),
                            p.entry_cohort, $units, $unit_kinds, $cohorts)
)
select * from final
order by person_id, kind::varchar, mode;
