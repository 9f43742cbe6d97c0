-- training/hours_by_person.sql — training hours per person in a year, by kind and by mode: the
-- 学时 table an organisation department keeps, one line per person.
-- Grain: one row per person with a course (passed or not) starting from 1 January of the year of
--   $as_of to $as_of.
-- Parameters: $as_of (DATE), and the slice filters $units, $counties (VARCHAR[]), $unit_kinds
--   (VARCHAR[]), $cohorts (INTEGER[]) — each NULL for no filter; a person is sliced by
--   training_people's unit.
-- Columns: person_id, name, unit_id, unit_kind, entry_cohort, courses, failed (courses not
--   passed), hours (all courses), credited_hours (passed courses: 不合格 counts nowhere), the
--   credited hours by kind — initial_hours (初任培训), appointment_hours (任职培训),
--   specialised_hours (专门业务培训), in_service_hours (在职培训) — and by mode — full_time_hours
--   (脱产), online_hours (网络), other_mode_hours (其他), unfilled_mode_hours (no mode); 0 where
--   none. Each group of four sums to credited_hours; summed over persons they give
--   training/hours_totals.sql by kind and by mode. unit_kind leaves as an enum. Ordered by
--   person_id.
-- Method: the year's courses summed per person (training_year_hours, training/year_courses.sql;
--   on 31 December it reads the stored table training_years), then the person's columns
--   joined: training_people($as_of) without its unit fallback (the unit of the latest post
--   started by $as_of, for a person without a main post that day), which is looked up only for
--   the few such persons with a course, as in training/obligations.sql.
with
people as not materialized (
    select s.person_id, s.name, s.unit_id, s.unit_kind, s.entry_cohort
    from person_snapshot_at($as_of::date) as s
    where s.entry_date <= $as_of::date
),
summed as (
    select * from training_year_hours($as_of::date)
),
last_unit as (
    select * from training_last_unit(
        $as_of::date,
        (select list(person_id) from people
         where unit_id is null and person_id in (select person_id from summed))
    )
),
final as (
    select
        p.person_id, p.name, coalesce(p.unit_id, lu.unit_id) as unit_id,
        coalesce(p.unit_kind, lu.unit_kind) as unit_kind, p.entry_cohort,
        c.courses, c.failed, c.hours, coalesce(c.credited_hours, 0) as credited_hours,
        coalesce(c.initial_hours, 0) as initial_hours,
        coalesce(c.appointment_hours, 0) as appointment_hours,
        coalesce(c.specialised_hours, 0) as specialised_hours,
        coalesce(c.in_service_hours, 0) as in_service_hours,
        coalesce(c.full_time_hours, 0) as full_time_hours,
        coalesce(c.online_hours, 0) as online_hours,
        coalesce(c.other_mode_hours, 0) as other_mode_hours,
        coalesce(c.unfilled_mode_hours, 0) as unfilled_mode_hours,
    from summed as c
    join people as p using (person_id)
    left join last_unit as lu on p.unit_id is null and lu.person_id = p.person_id
    where training_in_slice(p.person_id, coalesce(p.unit_id, lu.unit_id),
                            coalesce(p.unit_kind, lu.unit_kind),
                            p.entry_cohort, $units, $counties, $unit_kinds, $cohorts)
)
select * from final
order by person_id;
