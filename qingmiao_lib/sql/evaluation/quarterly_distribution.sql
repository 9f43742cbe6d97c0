-- evaluation/quarterly_distribution.sql — the quarterly (平时考核) grades per quarter.
-- The slice is taken on $as_of (31 Dec of $year): the quarters of earlier years follow the
-- persons of today's slice.
-- Method: each person's grades of the range as four quarter masks (eval_quarter_bits,
-- evaluation/quarter_masks.sql: the stored masks while current, else grouped from the rows), cut
-- to the years the person was active in (the rule of valid_quarter_grades, on the slice's own
-- entry and exit dates: entry_date <= 31 Dec and exit_date empty or after 1 Jan), then counted
-- once per distinct combination of masks (a few thousand at a million persons) and expanded to
-- quarters — not a join of every quarter row with the slice. [$first_year, $year] spans at most
-- evaluation._MASK_YEARS years (quarterly_distribution_long.sql beyond).
-- Grain: one row per (year, quarter, grade) for the quarters of [$first_year, $year] with any
--   grade, every grade of quarter_grade listed (zero-filled).
-- Parameters: $first_year, $year, $as_of, slice filters.
-- Columns: year, quarter, grade, persons, graded (persons graded that quarter), share.
with
people as (
    select person_id, entry_date, exit_date,
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], $age_group::varchar,
                    $young::boolean, $cohorts::integer[])
),
bits as (
    -- every graded person's masks (no slice filter: the slice here keeps persons not active on
    -- $as_of, whom eval_quarter_bits' own slice filter would drop)
    select * from eval_quarter_bits($first_year, $year, $as_of, null, null, null, null, null)
),
valid as (
    -- valid years: entry_date <= 31 Dec and (exit_date empty or after 1 Jan): bits [lo, hi)
    select b.b0, b.b1, b.b2, b.b3,
           greatest(year(p.entry_date) - $first_year, 0) * 4 as lo,
           least(case when p.exit_date is null then $year
                      when p.exit_date > make_date(year(p.exit_date), 1, 1) then year(p.exit_date)
                      else year(p.exit_date) - 1 end - $first_year + 1, $year - $first_year + 1) * 4 as hi,
    from bits as b
    join people as p using (person_id)
),
kept as (
    select b0, b1, b2, b3,
           case when hi <= lo then 0::ubigint
                else ((1::ubigint << (hi - lo)::ubigint) - 1::ubigint) << lo::ubigint end as keep,
    from valid
),
combos as (
    select coalesce(b0, 0::ubigint) & keep as m0, coalesce(b1, 0::ubigint) & keep as m1,
           coalesce(b2, 0::ubigint) & keep as m2, coalesce(b3, 0::ubigint) & keep as m3,
           count(*) as n,
    from kept
    group by all
),
grades as (
    -- bit i of the masks: quarter i counted from $first_year Q1; one grade per person and quarter
    select ($first_year + i // 4)::integer as year, (i % 4 + 1)::integer as quarter, n,
           case when (m0 >> i::ubigint) & 1::ubigint = 1 then '好'
                when (m1 >> i::ubigint) & 1::ubigint = 1 then '较好'
                when (m2 >> i::ubigint) & 1::ubigint = 1 then '一般'
                when (m3 >> i::ubigint) & 1::ubigint = 1 then '较差' end::quarter_grade as grade,
    from combos
    cross join (select unnest(range(0, ($year - $first_year + 1) * 4)) as i)
),
counts as (
    select year, quarter, grade, sum(n)::bigint as persons,
    from grades
    where grade is not null
    group by year, quarter, grade
),
cells as (
    select year, quarter, grade,
    from (select distinct year, quarter from counts)
    cross join (select unnest(enum_range(null::quarter_grade)) as grade)
),
final as (
    select c.year, c.quarter, c.grade::varchar as grade, coalesce(g.persons, 0) as persons,
    from cells as c
    left join counts as g on g.year = c.year and g.quarter = c.quarter and g.grade::varchar = c.grade
)
select *, sum(persons) over (partition by year, quarter) as graded,
       persons / sum(persons) over (partition by year, quarter) as share,
from final
order by year, quarter, enum_code(grade::quarter_grade);
