-- pipeline/eligibility_grades_stored.sql — eligibility_grade_masks_stored(base): the grade masks
-- of eligibility_on (eligibility_grade_masks_live, pipeline/eligibility_on.sql) read from the
-- stored table grade_years (snapshots/grade_years.sql: the live masks with base 1950) instead of
-- grouping every grade row. Installed by the query layer once the table exists (a macro is bound
-- when created); pipeline/use_grades_stored.sql points eligibility_grade_masks at it while the
-- stamp matches and as_of is in 1951 … 2076 (pipeline.py decides), whatever base is asked for.
-- Grain: one row per person with a grade from 1950 to 2076. Columns: person_id, base (1950),
--   m0 … m4.
create or replace temp macro eligibility_grade_masks_stored(base) as table
select person_id, 1950 as base, m0, m1, m2, m3, m4,
from grade_years;
