-- training/training_years.sql — the twins of the live training macros reading the stored table
-- training_years (snapshots/training_years.sql); installed by training.py once the table exists
-- and its stamp matches (a macro is bound when created).
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
