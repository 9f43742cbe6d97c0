-- evaluation/valid_grades.sql — annual grades of years in which the person was active.
-- A grade counts only when its person was active at some time in its (calendar) year:
-- entry_date <= 31 Dec and (exit_date is null or exit_date > 1 Jan). Other grades are data
-- errors, listed by evaluation.invalid_grades (for `qingmiao check`) and counted nowhere.
-- Table macro valid_annual_grades(); grain: one row per person and year (annual_assessments).
-- Columns: person_id, year, grade.
create or replace temp macro valid_annual_grades() as table
select a.person_id, a.year, a.grade,
from annual_assessments as a
join persons as p using (person_id)
where p.entry_date <= make_date(a.year, 12, 31)
  and (p.exit_date is null or p.exit_date > make_date(a.year, 1, 1));
