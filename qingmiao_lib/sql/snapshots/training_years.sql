-- snapshots/training_years.sql — create the stored table training_years, empty: each person's
-- courses per calendar year (training/course_years.sql says what each column holds), so the
-- training analyses of a whole year need not scan and aggregate the trainings table (several
-- courses per person and year: ~30 million rows at 1 million persons). Its rows are inserted a
-- range of persons at a time (snapshots/training_years_part.sql), each range in year and person
-- order.
-- Depends on: trainings and the rules training.hours_per_day and training.non_class_modes of
-- the refreshing connection; snapshots/training_stamp.sql fingerprints exactly these, and the
-- stamp is stored in meta ('training_years_stamp') next to the table.
-- Grain: one row per (year, person) with at least one course starting that year.
-- Parameters: none. Columns: those of training_course_years.
create or replace table training_years as
from training_course_years(null, null)
with no data;
