-- snapshots/grade_years.sql — store each person's annual grades as bit masks (table grade_years),
-- so the rank-promotion eligibility need not join every grade row (~14 million at 1 million
-- persons): it reads one row per person instead (pipeline/eligibility_on.sql; the masks are
-- defined once, by eligibility_grade_masks_live there, read back through
-- pipeline/eligibility_grades_stored.sql).
-- Bit y − 1950 of mask m<i> is set when the person's grade of year y is the i-th annual_grade
-- (m0 优秀, m1 称职, m2 基本称职, m3 不称职, m4 不定等次; one grade per person and year, the
-- key of annual_assessments). A HUGEINT holds 127 bits: the years 1950 (the schema's first)
-- to 2076, every year an eligibility up to as_of 2077-12-31 reads (it reads the grades up to
-- year(as_of) − 1); pipeline.py computes another date's masks from the records.
-- Depends on: annual_assessments only (no rule: the rules' grade classes are applied when read);
-- snapshots/grade_stamp.sql fingerprints it, stored in meta ('grade_years_stamp') next to it.
-- Grain: one row per person with at least one annual grade from 1950 to 2076.
-- Parameters: none.
-- Columns: person_id, m0, m1, m2, m3, m4 (HUGEINT).
create or replace table grade_years as
select person_id, m0, m1, m2, m3, m4,
from eligibility_grade_masks_live(1950);
