-- training/year_courses.sql — training_year_courses(as_of): each person's credited courses
-- (passed) starting from 1 January of the year of as_of to as_of, summed — the 在职培训 and
-- 专门业务培训 credit of training/obligations.sql, computed from trainings.
-- Defined here as training_year_courses_live; training_year_courses is the name the analyses
-- call: it reads this live computation, or, for an as_of on 31 December while the stored table
-- training_years is current, training_year_courses_stored (training/training_years.sql) — the
-- query layer points it (training/use_courses_live.sql, training/use_courses_stored.sql).
-- Grain: one row per person with a credited course in the span.
-- Parameters: as_of (DATE).
-- Columns: person_id, hours, days (as obligations.sql), specialised_hours, specialised_days
--   (the 专门业务培训 among them; NULL without one).
-- A course in a class mode (not in training.non_class_modes, e.g. not 网络): F3's 培训人次 and
-- the class person-times count only these.
create or replace temp macro training_is_class(mode) as (
    coalesce(mode::varchar, '') not in (select value from rule_lists where name = 'training.non_class_modes')
);

-- A course's days: hours / training.hours_per_day in a non-class mode (an online course has
-- hours, not days), else its calendar days end_date − start_date + 1.
create or replace temp macro training_course_days(mode, hours, start_date, end_date) as (
    case when training_is_class(mode) then date_diff('day', start_date, end_date) + 1
         else hours::double / rule_num('training.hours_per_day') end
);

create or replace temp macro training_year_courses_live(as_of) as table
with
courses as (
    select
        t.person_id, t.kind, t.hours::double as hours,
        training_course_days(t.mode, t.hours, t.start_date, t.end_date) as days,
    from trainings as t
    where t.passed and t.start_date between make_date(year(as_of::date), 1, 1) and as_of::date
)
select person_id,
       sum(hours) as hours, sum(days) as days,
       sum(hours) filter (where kind = '专门业务培训') as specialised_hours,
       sum(days) filter (where kind = '专门业务培训') as specialised_days,
from courses
group by person_id;

-- training_year_courses_span(first_year, last_year): training_year_courses on the year_end of
-- every year of the span at once. Grain: one row per (year, person) with a credited course
-- starting from 1 January to year_end of that year. Columns: year, then those of
-- training_year_courses. Its stored counterpart training_year_courses_span_stored
-- (training/training_years.sql) reads training_years, when every year_end is 31 December.
create or replace temp macro training_year_courses_span_live(first_year, last_year) as table
with
courses as (
    select
        t.person_id, year(t.start_date)::integer as year, t.kind, t.hours::double as hours,
        training_course_days(t.mode, t.hours, t.start_date, t.end_date) as days,
    from trainings as t
    where t.passed
      and t.start_date between make_date(first_year::integer, 1, 1) and year_end(last_year::integer)
      and t.start_date <= year_end(year(t.start_date))
)
select year, person_id,
       sum(hours) as hours, sum(days) as days,
       sum(hours) filter (where kind = '专门业务培训') as specialised_hours,
       sum(days) filter (where kind = '专门业务培训') as specialised_days,
from courses
group by year, person_id;

-- training_year_hours(as_of): each person's courses (passed or not) starting from 1 January of
-- the year of as_of to as_of, summed for training.hours_by_person. Its stored counterpart
-- training_year_hours_stored (training/training_years.sql) reads training_years, for an as_of on
-- 31 December. Grain: one row per person with a course in the span.
-- Columns: person_id, courses, failed (not passed), hours (all courses), credited_hours (passed
--   ones), and the credited hours by kind — initial_hours, appointment_hours, specialised_hours,
--   in_service_hours — and by mode — full_time_hours (脱产), online_hours (网络),
--   other_mode_hours (其他), unfilled_mode_hours (no mode); NULL where there is none.
create or replace temp macro training_year_hours_live(as_of) as table
with
courses as (
    select t.person_id, t.kind, t.mode, t.passed, t.hours::double as hours,
    from trainings as t
    where t.start_date between make_date(year(as_of::date), 1, 1) and as_of::date
)
select person_id,
       count(*) as courses,
       count(*) filter (where not passed) as failed,
       sum(hours) as hours,
       sum(hours) filter (where passed) as credited_hours,
       sum(hours) filter (where passed and kind = '初任培训') as initial_hours,
       sum(hours) filter (where passed and kind = '任职培训') as appointment_hours,
       sum(hours) filter (where passed and kind = '专门业务培训') as specialised_hours,
       sum(hours) filter (where passed and kind = '在职培训') as in_service_hours,
       sum(hours) filter (where passed and mode = '脱产') as full_time_hours,
       sum(hours) filter (where passed and mode = '网络') as online_hours,
       sum(hours) filter (where passed and mode = '其他') as other_mode_hours,
       sum(hours) filter (where passed and mode is null) as unfilled_mode_hours,
from courses
group by person_id;

-- training_class_years_live(first_year, last_year): each person's class records (a course in a
-- class mode, passed or not: F3's 培训人次) starting in each year of the span, for
-- training/class_person_times.sql. Its stored counterpart training_class_years_stored
-- (training/training_years.sql) reads training_years. Grain: one row per (year, person) with a
-- class. Columns: year, person_id, class_courses, class_hours.
create or replace temp macro training_class_years_live(first_year, last_year) as table
select year(t.start_date)::integer as year, t.person_id,
       count(*) as class_courses, sum(t.hours::double) as class_hours,
from trainings as t
where t.start_date between make_date(first_year::integer, 1, 1) and make_date(last_year::integer, 12, 31)
  and training_is_class(t.mode)
group by all;

-- The names the analyses call, pointing at the live computations above until the query layer
-- points them at the stored table (training/use_courses_stored.sql) for one query and back
-- (training/use_courses_live.sql, the same four definitions as these).
create or replace temp macro training_year_courses(as_of) as table
    select * from training_year_courses_live(as_of);
create or replace temp macro training_year_courses_span(first_year, last_year) as table
    select * from training_year_courses_span_live(first_year, last_year);
create or replace temp macro training_year_hours(as_of) as table
    select * from training_year_hours_live(as_of);
create or replace temp macro training_class_years(first_year, last_year) as table
    select * from training_class_years_live(first_year, last_year);
