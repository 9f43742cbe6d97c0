-- check/grades_inactive.sql — annual grades for a year the person served no day of
-- (entered after it or left before it). Grain: one row per such grade.
select a.person_id as example
from annual_assessments as a join persons as p using (person_id)
where year(p.entry_date) > a.year or (p.exit_date is not null and p.exit_date <= make_date(a.year, 1, 1))
