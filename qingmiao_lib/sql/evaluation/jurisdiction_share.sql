-- evaluation/jurisdiction_share.sql — the 优秀 share of the whole jurisdiction per year: the
-- figure one person's record (person_history.sql) compares with. It reads every grade of the
-- range (seconds at a million persons) and is the same for every person, so
-- evaluation.person_history computes it once per range, rules and connection and binds it.
-- Shares count graded persons only (rules assessment.graded; 不定等次 excluded) and valid
-- grades only.
-- Grain: one row per year in [$first_year, $year] with a graded grade.
-- Parameters: $first_year, $year.
-- Columns: year (INTEGER), share (优秀 / graded).
select g.year::integer as year, count(*) filter (where g.grade = '优秀') / count(*) as share,
from valid_annual_grades() as g
where g.year between $first_year and $year
  and g.grade::varchar in (select value from rule_lists where name = 'assessment.graded')
group by g.year
order by g.year;
