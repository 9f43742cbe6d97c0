-- evaluation/valid_quarter_grades.sql — quarterly (平时考核) grades of years in which the person
-- was active (as valid_annual_grades), with a running quarter number and a grade score.
-- Table macro valid_quarter_grades(); grain: one row per person, year and quarter.
-- Columns: person_id, year, quarter, grade, qn (year * 4 + quarter - 1: consecutive quarters
--   differ by 1 across a year end), rank (enum order: 0 = 好 … 3 = 较差; higher is worse).
create or replace temp macro valid_quarter_grades() as table
select r.person_id, r.year::integer as year, r.quarter::integer as quarter, r.grade,
       (r.year * 4 + r.quarter - 1)::integer as qn, enum_code(r.grade)::integer as rank,
from regular_assessments as r
join persons as p using (person_id)
where p.entry_date <= make_date(r.year, 12, 31)
  and (p.exit_date is null or p.exit_date > make_date(r.year, 1, 1));
