-- evaluation/quarterly_trend_long.sql — quarterly_trend.sql by window functions, for ranges of
-- more than 15 years (beyond its 64-bit quarter masks; evaluation.quarterly_trend picks the file).
-- Each person's quarterly (平时考核) trend over recent quarters.
-- Over the quarters [$first_year Q1, $year Q4]: the grades in order, how many of each, the first
-- and last grade, the change (score of the last minus score of the first: 好 4, 较好 3, 一般 2,
-- 较差 1; negative = worse) and the declines (a quarter strictly worse than the quarter just
-- before it; a missing quarter breaks the comparison; equal grades are no decline).
-- Grain: one row per person of the slice active on $as_of with at least one quarterly grade.
-- Parameters: $first_year, $year, $as_of (31 Dec of $year), slice filters.
-- Columns: person_id, name, unit_id, quarters, grades (e.g. '好→较好→一般'), good, fairly_good,
--   ordinary, poor, first_grade, last_grade, change, declines.
with
people as (
    select person_id, name, unit_id,
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], $age_group::varchar,
                    $young::boolean, $cohorts::integer[])
    where active
),
grades as (
    select q.*,
           lag(q.qn) over (partition by q.person_id order by q.qn) as prev_qn,
           lag(q.rank) over (partition by q.person_id order by q.qn) as prev_rank,
    from valid_quarter_grades() as q
    join people using (person_id)
    where q.year between $first_year and $year
),
final as (
    select
        person_id,
        count(*) as quarters,
        string_agg(grade::varchar, '→' order by qn) as grades,
        count(*) filter (where grade = '好') as good,
        count(*) filter (where grade = '较好') as fairly_good,
        count(*) filter (where grade = '一般') as ordinary,
        count(*) filter (where grade = '较差') as poor,
        arg_min(grade::varchar, qn) as first_grade,
        arg_max(grade::varchar, qn) as last_grade,
        (arg_min(rank, qn) - arg_max(rank, qn))::integer as change,
        count(*) filter (where prev_qn = qn - 1 and rank > prev_rank) as declines,
    from grades
    group by person_id
)
select p.person_id, p.name, p.unit_id, f.* exclude (person_id),
from final as f
join people as p using (person_id)
order by f.change, f.declines desc, p.person_id;
