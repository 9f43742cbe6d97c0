-- evaluation/streaks.sql — each person's 优秀 runs up to a year: current and longest run, and
-- the blocks completed (三等功 due; runs as in excellent_runs, the F6 definition).
-- Grain: one row per person of the slice, active on $as_of, with at least one valid 优秀 year
-- up to $year.
-- Parameters: $year, $as_of (31 Dec of $year), slice filters $units, $counties,
--   $age_group, $young, $cohorts (each NULL = all).
-- Columns: person_id, name, unit_id, young, current_run (years in the run ending in $year;
--   0 when $year is not 优秀), longest_run, blocks (completed blocks, i.e. merits due, up to
--   $year), last_block_year, excellent_years.
-- Method (no window function, one group-by): each person's 优秀 years become a mask
-- (excellent_masks: bit i = $year − i) cut to the years the person was active in
-- (eval_year_bits, on the slice's entry and exit dates). The current run is the count of
-- trailing set bits; the longest run is found by doubling (a_k: bits starting k consecutive set
-- bits upward; a_2k = a_k & a_k >> k) and a binary search over 32, 16, … 1; blocks and the last
-- block year come from eval_block_bits, worked out only for persons with a run long enough.
-- The rare person with a 优秀 year more than 62 years before $year (masks old, older) takes the
-- window method of excellent_runs on the years of the masks (the early branch).
with
params as (
    select rule_num('assessment.streak_block_years')::integer as block_years,
),
people as (
    select person_id, name, unit_id, young, entry_date, exit_date,
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], $age_group::varchar,
                    $young::boolean, $cohorts::integer[])
    where active
),
masks as (
    select p.person_id, p.name, p.unit_id, p.young,
           x.raw & eval_year_bits(p.entry_date, p.exit_date, $year::integer) as m,
           x.old & eval_year_bits(p.entry_date, p.exit_date, $year::integer - 63) as m_old,
           x.older & eval_year_bits(p.entry_date, p.exit_date, $year::integer - 126) as m_older,
    from excellent_masks($year::integer) as x
    join people as p using (person_id)
),
doubled as (
    select *, a2 & (a2 >> 2::ubigint) as a4,
    from (select *, m & (m >> 1::ubigint) as a2, from masks where m <> 0 and m_old = 0 and m_older = 0)
),
doubled2 as (
    select *, a8 & (a8 >> 8::ubigint) as a16,
    from (select *, a4 & (a4 >> 4::ubigint) as a8, from doubled)
),
search32 as (
    -- l: the run length found so far; a: the bits starting a run of at least l
    select *, case when a32 <> 0 then 32 else 0 end as l,
           case when a32 <> 0 then a32 else ~0::ubigint end as a,
    from (select *, a16 & (a16 >> 16::ubigint) as a32, from doubled2)
),
search16 as (
    select * replace (l + 16 * (n <> 0)::integer as l, case when n <> 0 then n else a end as a),
    from (select *, a & (a16 >> l::ubigint) as n, from search32)
),
search8 as (
    select * replace (l + 8 * (n <> 0)::integer as l, case when n <> 0 then n else a end as a),
    from (select * replace (a & (a8 >> l::ubigint) as n), from search16)
),
search4 as (
    select * replace (l + 4 * (n <> 0)::integer as l, case when n <> 0 then n else a end as a),
    from (select * replace (a & (a4 >> l::ubigint) as n), from search8)
),
search2 as (
    select * replace (l + 2 * (n <> 0)::integer as l, case when n <> 0 then n else a end as a),
    from (select * replace (a & (a2 >> l::ubigint) as n), from search4)
),
search1 as (
    select * replace (l + (a & (m >> l::ubigint) <> 0)::integer as l), from search2
),
by_mask as (
    select person_id, name, unit_id, young,
           eval_run_position(m, 0) as current_run,
           l as longest_run,
           case when l >= block_years then eval_block_bits(m, block_years) else [] end as block_bits,
           len(block_bits) as blocks,
           $year::integer - block_bits[1] as last_block_year,
           bit_count(m) as excellent_years,
    from search1, params
),
early_runs as (
    -- the early branch: the window method of excellent_runs on those few persons' years
    select person_id, year,
           (year - min(year) over (partition by person_id, island) + 1)::integer as run_position,
    from (
        select person_id, year,
               year - row_number() over (partition by person_id order by year) as island,
        from (
            select person_id,
                   unnest(eval_mask_years(m, $year::integer)
                          || eval_mask_years(m_old, $year::integer - 63)
                          || eval_mask_years(m_older, $year::integer - 126)) as year,
            from masks
            where m_old <> 0 or m_older <> 0
        )
    )
),
by_window as (
    select
        r.person_id, any_value(p.name) as name, any_value(p.unit_id) as unit_id,
        any_value(p.young) as young,
        max(run_position) filter (where year = $year) as current_run,
        max(run_position) as longest_run,
        count(*) filter (where run_position % block_years = 0) as blocks,
        max(year) filter (where run_position % block_years = 0) as last_block_year,
        count(*) as excellent_years,
    from early_runs as r
    join masks as p using (person_id)
    cross join params
    group by r.person_id
),
per_person as (
    select person_id, name, unit_id, young, current_run, longest_run, blocks, last_block_year,
           excellent_years,
    from by_mask
    union all
    select person_id, name, unit_id, young, current_run, longest_run, blocks, last_block_year,
           excellent_years,
    from by_window
)
select person_id, name, unit_id, young,
       coalesce(current_run, 0)::integer as current_run, longest_run::integer as longest_run,
       blocks::integer as blocks, last_block_year::integer as last_block_year,
       excellent_years::integer as excellent_years,
from per_person
order by longest_run desc, current_run desc, person_id;
