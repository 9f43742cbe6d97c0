-- evaluation/person_history.sql — one person's record year by year (the 一表式 view): the annual
-- grade, last year's grade, the four quarterly grades, and the 优秀 share of the person's unit
-- and of the whole jurisdiction that year.
-- "The unit" is the person's main unit on 31 December of $year (person_unit.sql); its share in
-- each year is over the persons holding a post in that unit on 31 December of that year
-- (shares.sql). The two shares, the same for every person of a unit and each a scan of
-- every grade row, come bound: evaluation.person_history computes them once per range and rules
-- (shares.sql). This query reads the person's own rows only, each
-- filter written where its table is read (DuckDB looks up no index for them; rows stored in
-- person order are a row group or two, ~12 ms at a million persons, ~70 ms in file order).
-- Grain: one row per year in [$first_year, $year].
-- Parameters: $person_id, $first_year, $year, $unit_id (the person's main unit on 31 Dec of
--   $year, NULL for none), $unit_shares and $jurisdiction (DOUBLE[]: the unit's and the
--   jurisdiction's share of each year $first_year … $year in order, NULL for a year without a
--   graded grade).
-- Columns: year, grade, previous_grade, quarters (e.g. '好/较好/好/好'; '—' for a missing
--   quarter), unit_id, unit_excellent_share, jurisdiction_excellent_share.
with
years as (
    select range::integer as year,
    from range($first_year::bigint - 1, $year::bigint + 1)
),
mine as (
    select year, grade, from valid_annual_grades() where person_id = $person_id
),
own as (
    select y.year, g.grade::varchar as grade,
           lag(g.grade::varchar) over (order by y.year) as previous_grade,
    from years as y
    left join mine as g on g.year = y.year
),
my_quarters as (
    select year, quarter, grade,
    from regular_assessments
    where person_id = $person_id
      and year between $first_year - 1 and $year
),
quarters as (
    select year,
           string_agg(coalesce(grade::varchar, '—'), '/' order by quarter) as quarters,
    from (
        select y.year, q.quarter, r.grade,
        from years as y
        cross join (select unnest([1, 2, 3, 4]) as quarter) as q
        left join my_quarters as r on r.year = y.year and r.quarter = q.quarter
    )
    group by year
)
select o.year, o.grade, o.previous_grade,
       case when q.quarters = '—/—/—/—' then null else q.quarters end as quarters,
       $unit_id::varchar as unit_id,
       ($unit_shares::double[])[o.year - $first_year + 1] as unit_excellent_share,
       ($jurisdiction::double[])[o.year - $first_year + 1] as jurisdiction_excellent_share,
from own as o
left join quarters as q using (year)
where o.year between $first_year and $year
order by o.year;
