-- training/course_years.sql — training_course_years(first_person, last_person): the persons'
-- courses per calendar year, for person_id from first_person to last_person — the rows of the
-- stored table training_years (snapshots/training_years.sql), which is written a range of
-- persons at a time (snapshots/person_parts.sql): grouping every course of 8 million persons by
-- (year, person) at once held ~120 million groups of 18 sums, and DuckDB spilled them to disk
-- (26 GB and counting); a range of persons is a range of the person-ordered trainings, read
-- through its zone maps. A (year, person) group lies wholly in one range, so the parts together
-- are the whole.
-- A course belongs to the year its start_date falls in. credited = passed (不合格 counts
-- nowhere); its days as training/obligations.sql: hours / training.hours_per_day for a course in
-- a non-class mode (training.non_class_modes), else end_date − start_date + 1; class = a course
-- whose mode is not in training.non_class_modes, passed or not (training/class_person_times.sql).
-- Grain: one row per (year, person) of the range with at least one course starting that year.
-- Columns: year, person_id, class_courses, class_hours (NULL without a class), credited_courses,
--   credited_hours, credited_days, specialised_hours, specialised_days (the credited
--   专门业务培训; NULL without one); for training.hours_by_person (training/year_courses.sql,
--   training_year_hours): courses, failed (not passed), hours (all courses), and the credited
--   hours by kind — initial_hours, appointment_hours, in_service_hours (specialised_hours above)
--   — and by mode — full_time_hours (脱产), online_hours (网络), other_mode_hours (其他),
--   unfilled_mode_hours (no mode); NULL where there is none.
create or replace temp macro training_course_years(first_person, last_person) as table
with
courses as (
    select
        t.person_id, year(t.start_date)::integer as year, t.kind, t.mode, t.passed,
        t.hours::double as hours,
        training_is_class(t.mode) as class,
        training_course_days(t.mode, t.hours, t.start_date, t.end_date) as days,
    from trainings as t
    where t.start_date is not null and t.person_id between first_person and last_person
)
select
    year, person_id,
    count(*) filter (where class) as class_courses,
    sum(hours) filter (where class) as class_hours,
    count(*) filter (where passed) as credited_courses,
    sum(hours) filter (where passed) as credited_hours,
    sum(days) filter (where passed) as credited_days,
    sum(hours) filter (where passed and kind = '专门业务培训') as specialised_hours,
    sum(days) filter (where passed and kind = '专门业务培训') as specialised_days,
    count(*) as courses,
    count(*) filter (where not passed) as failed,
    sum(hours) as hours,
    sum(hours) filter (where passed and kind = '初任培训') as initial_hours,
    sum(hours) filter (where passed and kind = '任职培训') as appointment_hours,
    sum(hours) filter (where passed and kind = '在职培训') as in_service_hours,
    sum(hours) filter (where passed and mode = '脱产') as full_time_hours,
    sum(hours) filter (where passed and mode = '网络') as online_hours,
    sum(hours) filter (where passed and mode = '其他') as other_mode_hours,
    sum(hours) filter (where passed and mode is null) as unfilled_mode_hours,
from courses
group by year, person_id;
