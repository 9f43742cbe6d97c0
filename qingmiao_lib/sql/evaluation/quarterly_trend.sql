-- evaluation/quarterly_trend.sql — each person's quarterly (平时考核) trend over recent quarters.
-- Over the quarters [$first_year Q1, $year Q4]: the grades in order, how many of each, the first
-- and last grade, the change (score of the last minus score of the first: 好 4, 较好 3, 一般 2,
-- 较差 1; negative = worse) and the declines (a quarter strictly worse than the quarter just
-- before it; a missing quarter breaks the comparison; equal grades are no decline).
-- Grain: one row per person of the slice active on $as_of with at least one quarterly grade.
-- Parameters: $first_year, $year, $as_of (31 Dec of $year), slice filters.
-- Columns: person_id, name, unit_id, quarters, grades (e.g. '好→较好→一般'), good, fairly_good,
--   ordinary, poor, first_grade, last_grade (quarter_grade: evaluation.py makes them text), change,
--   declines.
-- Method (no window function, one group-by): each person's grades of the range become four
-- 64-bit masks, one per grade, bit i = quarter i of the range ($first_year Q1 = bit 0), so the
-- range must be at most 15 years (evaluation.quarterly_trend runs quarterly_trend_long.sql
-- beyond). The masks are aggregated before the join with the slice, then cut to the years the
-- person was active in (the rule of valid_quarter_grades, from the same entry and exit dates).
-- A decline is a bit of a worse grade's mask whose previous bit is in a better grade's mask.
-- The columns after unit_id depend on the masks only: they are worked out once per distinct
-- combination of masks (a few thousand for a million persons) and joined back.
with
masked as (
    select * from eval_quarter_masks($first_year, $year, $as_of, $units, $age_group, $young, $entry_cohort)
    where m0 | m1 | m2 | m3 <> 0
),
combos as (
    -- everything but the person follows from the four masks, which far fewer distinct values
    -- take than there are persons: worked out once per distinct combination
    select distinct m0, m1, m2, m3, m0 | m1 | m2 | m3 as m,
    from masked
),
smeared as (
    -- the lowest set bit of m, and m with its highest set bit smeared down (counted next)
    select *, bit_count(xor(m, m - 1::ubigint))::integer - 1 as i_first,
           m | (m >> 1::ubigint) | (m >> 2::ubigint) | (m >> 3::ubigint) as s,
    from combos
),
smeared2 as (
    select * replace (s | (s >> 4::ubigint) | (s >> 8::ubigint) | (s >> 12::ubigint) as s), from smeared
),
ends as (
    select m0, m1, m2, m3, m, i_first,
           bit_count(s | (s >> 16::ubigint) | (s >> 32::ubigint) | (s >> 48::ubigint))::integer - 1 as i_last,
    from smeared2
),
ranks as (
    select *,
           case when (m0 >> i_first::ubigint) & 1::ubigint = 1 then 0
                when (m1 >> i_first::ubigint) & 1::ubigint = 1 then 1
                when (m2 >> i_first::ubigint) & 1::ubigint = 1 then 2 else 3 end as first_rank,
           case when (m0 >> i_last::ubigint) & 1::ubigint = 1 then 0
                when (m1 >> i_last::ubigint) & 1::ubigint = 1 then 1
                when (m2 >> i_last::ubigint) & 1::ubigint = 1 then 2 else 3 end as last_rank,
    from ends
),
trends as (
    select m0, m1, m2, m3, bit_count(m)::bigint as quarters,
           array_to_string(list_transform(
               list_filter(range(i_first, i_last + 1), lambda i: (m >> i::ubigint) & 1::ubigint = 1),
               lambda i: case when (m0 >> i::ubigint) & 1::ubigint = 1 then '好'
                              when (m1 >> i::ubigint) & 1::ubigint = 1 then '较好'
                              when (m2 >> i::ubigint) & 1::ubigint = 1 then '一般' else '较差' end),
               '→') as grades,
           bit_count(m0)::bigint as good, bit_count(m1)::bigint as fairly_good,
           bit_count(m2)::bigint as ordinary, bit_count(m3)::bigint as poor,
           enum_range(null::quarter_grade)[first_rank + 1]::quarter_grade as first_grade,
           enum_range(null::quarter_grade)[last_rank + 1]::quarter_grade as last_grade,
           (first_rank - last_rank)::integer as change,
           (bit_count(m1 & (m0 << 1::ubigint)) + bit_count(m2 & (m0 << 1::ubigint))
            + bit_count(m3 & (m0 << 1::ubigint)) + bit_count(m2 & (m1 << 1::ubigint))
            + bit_count(m3 & (m1 << 1::ubigint)) + bit_count(m3 & (m2 << 1::ubigint)))::bigint as declines,
    from ranks
)
select p.person_id, p.name, p.unit_id, t.quarters, t.grades, t.good, t.fairly_good, t.ordinary, t.poor,
       t.first_grade, t.last_grade, t.change, t.declines,
from masked as p
join trends as t using (m0, m1, m2, m3)
order by t.change, t.declines desc, p.person_id;
