-- snapshots/training_years_part.sql — insert into training_years (snapshots/training_years.sql)
-- the rows of the persons from $first to $last (one range of snapshots/person_parts.sql), in
-- year and person order.
-- Parameters: first, last (VARCHAR: person_id bounds, both included).
insert into training_years by name
from training_course_years($first, $last)
order by year, person_id;
