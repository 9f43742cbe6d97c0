-- evaluation/quarterly_declines.sql — two consecutive quarterly declines: three consecutive
-- quarters (consecutive across a year end: 2023 Q4 → 2024 Q1), each strictly worse than the one
-- before (order 好 > 较好 > 一般 > 较差). Equal grades are no decline; a missing quarter breaks
-- the chain.
-- Grain: one row per person and quarter completing a second consecutive decline, that quarter
--   in [$first_year, $year], for persons of the slice active on $as_of.
-- Parameters: $first_year, $year, $as_of (31 Dec of $year), slice filters.
-- Columns: person_id, name, unit_id, year, quarter (of the second decline), grades (the three
--   quarters, e.g. '好→较好→一般'), from_quarter (e.g. '2023年第4季度').
-- Method (no window function): the grades of [$first_year − 1, $year] (the year before holds the
-- first quarters of a chain ending early in $first_year) become four 64-bit masks, one per grade,
-- bit i = quarter i of that range, so it must be at most 15 years (evaluation.quarterly_declines
-- runs quarterly_declines_long.sql beyond). Masks are aggregated before the join with the slice,
-- then cut to the years the person was active in (the rule of valid_quarter_grades). A chain
-- ends at bit i when i, i − 1 and i − 2 are in the masks of three grades, each worse.
with
masked as (
    select * from eval_quarter_masks($first_year - 1, $year, $as_of, $units, $counties, $age_group,
                                     $young, $cohorts)
),
chains as (
    -- bit i set: quarters i − 2, i − 1, i each worse than the one before; from $first_year Q1
    select *,
           ((m2 & (m1 << 1::ubigint) & (m0 << 2::ubigint)) | (m3 & (m1 << 1::ubigint) & (m0 << 2::ubigint))
            | (m3 & (m2 << 1::ubigint) & (m0 << 2::ubigint)) | (m3 & (m2 << 1::ubigint) & (m1 << 2::ubigint)))
            & ~15::ubigint as d,
    from masked
),
ends as (
    select person_id, name, unit_id, m0, m1, m2, m3,
           unnest(list_filter(range(4, ($year - $first_year + 2) * 4),
                              lambda i: (d >> i::ubigint) & 1::ubigint = 1)) as i,
    from chains
    where d <> 0
),
named as (
    select person_id, name, unit_id, i,
           list_transform([i - 2, i - 1, i],
               lambda j: case when (m0 >> j::ubigint) & 1::ubigint = 1 then '好'
                              when (m1 >> j::ubigint) & 1::ubigint = 1 then '较好'
                              when (m2 >> j::ubigint) & 1::ubigint = 1 then '一般' else '较差' end) as g,
    from ends
)
select person_id, name, unit_id, ($first_year - 1 + i // 4)::integer as year, (i % 4 + 1)::integer as quarter,
       array_to_string(g, '→') as grades,
       printf('%d年第%d季度', ($first_year - 1 + (i - 2) // 4)::integer, ((i - 2) % 4 + 1)::integer) as from_quarter,
from named
order by year, quarter, person_id;
