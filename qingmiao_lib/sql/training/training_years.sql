-- training/training_years.sql — the stored counterparts of the live course macros
-- (training/year_courses.sql), reading the table training_years (snapshots/training_years.sql);
-- installed by the query layer once the table exists (a macro is bound when created) and
-- called through the names training/use_courses_stored.sql points at them.
-- training_year_courses_stored(as_of): as training_year_courses (training/year_courses.sql), for
--   an as_of on 31 December only (the table holds whole calendar years); likewise
--   training_year_courses_span_stored(first_year, last_year) below.
create or replace temp macro training_year_courses_stored(as_of) as table
select person_id, credited_hours as hours, credited_days as days, specialised_hours,
       specialised_days,
from training_years
where year = year(as_of::date) and credited_courses > 0;

-- training_year_courses_span_stored(first_year, last_year): as training_year_courses_span
-- (training/year_courses.sql), when every year_end of the span is 31 December.
create or replace temp macro training_year_courses_span_stored(first_year, last_year) as table
select year, person_id, credited_hours as hours, credited_days as days, specialised_hours,
       specialised_days,
from training_years
where year between first_year::integer and last_year::integer and credited_courses > 0;

-- training_year_hours_stored(as_of): as training_year_hours (training/year_courses.sql), for an
-- as_of on 31 December.
create or replace temp macro training_year_hours_stored(as_of) as table
select person_id, courses, failed, hours, credited_hours, initial_hours, appointment_hours,
       specialised_hours, in_service_hours, full_time_hours, online_hours, other_mode_hours,
       unfilled_mode_hours,
from training_years
where year = year(as_of::date);

-- training_class_years_stored(first_year, last_year): as training_class_years_live
-- (training/year_courses.sql).
create or replace temp macro training_class_years_stored(first_year, last_year) as table
select year, person_id, class_courses, class_hours,
from training_years
where year between first_year::integer and last_year::integer and class_courses > 0;
