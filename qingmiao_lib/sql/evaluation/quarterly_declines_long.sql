-- evaluation/quarterly_declines_long.sql — quarterly_declines.sql by window functions, for ranges
-- of more than 14 years (beyond its 64-bit quarter masks; evaluation.quarterly_declines picks the
-- file). Two consecutive quarterly declines: three consecutive
-- quarters (consecutive across a year end: 2023 Q4 → 2024 Q1), each strictly worse than the one
-- before (order 好 > 较好 > 一般 > 较差). Equal grades are no decline; a missing quarter breaks
-- the chain.
-- Grain: one row per person and quarter completing a second consecutive decline, that quarter
--   in [$first_year, $year], for persons of the slice active on $as_of.
-- Parameters: $first_year, $year, $as_of (31 Dec of $year), slice filters.
-- Columns: person_id, name, unit_id, year, quarter (of the second decline), grades (the three
--   quarters, e.g. '好→较好→一般'), from_quarter (e.g. '2023年第4季度').
with
people as (
    select person_id, name, unit_id,
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], $age_group::varchar,
                    $young::boolean, $cohorts::integer[])
    where active
),
grades as (
    select q.person_id, q.year, q.quarter, q.qn, q.rank, q.grade::varchar as grade,
           lag(q.qn, 1) over w as qn1, lag(q.rank, 1) over w as rank1, lag(q.grade::varchar, 1) over w as grade1,
           lag(q.qn, 2) over w as qn2, lag(q.rank, 2) over w as rank2, lag(q.grade::varchar, 2) over w as grade2,
           lag(q.year, 2) over w as year2, lag(q.quarter, 2) over w as quarter2,
    from valid_quarter_grades() as q
    join people using (person_id)
    where q.year <= $year
    window w as (partition by q.person_id order by q.qn)
)
select g.person_id, p.name, p.unit_id, g.year, g.quarter,
       concat_ws('→', g.grade2, g.grade1, g.grade) as grades,
       printf('%d年第%d季度', g.year2, g.quarter2) as from_quarter,
from grades as g
join people as p using (person_id)
where g.qn1 = g.qn - 1 and g.qn2 = g.qn - 2
  and g.rank > g.rank1 and g.rank1 > g.rank2
  and g.year between $first_year and $year
order by g.year, g.quarter, g.person_id;
