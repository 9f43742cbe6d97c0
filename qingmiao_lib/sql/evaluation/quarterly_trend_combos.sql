-- evaluation/quarterly_trend_combos.sql — the second statement of the quarterly trend (see
-- evaluation/quarterly_trend.sql): every column that follows from the masks, worked out once per
-- distinct combination of masks in eval_trend_masked.
-- Grain: creates the temp table eval_trend_combos, one row per distinct (m0, m1, m2, m3).
-- Parameters: none.
-- Columns: combo_no (0, 1, … in (m0, m1, m2, m3) order), m0, m1, m2, m3, quarters, grades
--   (e.g. '好→较好→一般'), good, fairly_good, ordinary, poor, first_grade, last_grade
--   (quarter_grade), change (score of the last minus score of the first: 好 4 … 较差 1),
--   declines (a quarter strictly worse than the quarter just before it).
create or replace temp table eval_trend_combos as
with
combos as (
    -- everything but the person follows from the four masks, which far fewer distinct values
    -- take than there are persons: worked out once per distinct combination
    select distinct m0, m1, m2, m3, m0 | m1 | m2 | m3 as m,
    from eval_trend_masked
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
select (row_number() over (order by m0, m1, m2, m3) - 1)::bigint as combo_no, *,
from trends;
