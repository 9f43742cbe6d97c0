-- evaluation/young_excellent.sql — the young share of all 优秀 per year (the F5 basis).
-- For each year: persons graded 优秀 for it (active at some time in the year), and those of them
-- young on 31 December of the year (age < rules general.young_age_limit), as F5 counts them.
-- Grain: one row per year from $first_year to $year (years without 优秀 give zeros).
-- Parameters: $first_year, $year.
-- Columns: year, excellent, young_excellent, young_share.
with
years as (
    select range::integer as year, year_end(range::integer) as d,
    from range($first_year::bigint, $year::bigint + 1)
),
excellent as (
    select y.year,
           count(g.person_id) as excellent,
           count(g.person_id) filter (
               where age_on(p.birth_date, y.d) < rule_num('general.young_age_limit')
           ) as young_excellent,
    from years as y
    left join valid_annual_grades() as g on g.year = y.year and g.grade = '优秀'
    left join persons as p using (person_id)
    group by y.year
)
select *, young_excellent / nullif(excellent, 0) as young_share,
from excellent
order by year;
