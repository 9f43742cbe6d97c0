-- evaluation/grade_history.sql — the annual grades of each person of a slice over recent years
-- (the rows of the 一表式 view; evaluation.grade_history pivots them to one row per person).
-- Grain: one row per person of the slice active on $as_of and year in [$first_year, $year]
--   with a valid grade.
-- Parameters: $first_year, $year, $as_of (31 Dec of $year), slice filters.
-- Columns: person_id, name, unit_id, unit_name, year, grade.
with
people as (
    select person_id, name, unit_id, entry_date, exit_date,
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], $age_group::varchar,
                    $young::boolean, $cohorts::integer[])
    where active
)
select p.person_id, p.name, p.unit_id, u.name as unit_name, g.year::integer as year,
       g.grade::varchar as grade,
from people as p
join annual_assessments as g using (person_id)
left join units as u using (unit_id)
where g.year between $first_year and $year
  -- valid grades (as valid_annual_grades), checked on the slice's own entry and exit dates:
  -- one join instead of two
  and p.entry_date <= make_date(g.year, 12, 31)
  and (p.exit_date is null or p.exit_date > make_date(g.year, 1, 1))
order by p.unit_id, p.person_id, g.year;
