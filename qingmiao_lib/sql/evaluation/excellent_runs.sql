-- evaluation/excellent_runs.sql — runs of consecutive 优秀 years cut into blocks (SPEC §5).
-- Runs are gaps-and-islands over the valid 优秀 years up to to_year: any year that is not 优秀
-- (another grade, 不定等次 or no record) ends a run. A run is cut into non-overlapping blocks of
-- rules assessment.streak_block_years (default 3) counted from its first year; a block is
-- complete in its last year, which is when it earns a 三等功 (F6 counts these for year Y).
-- Table macro excellent_runs(to_year); grain: one row per person and 优秀 year <= to_year.
-- Columns: person_id, year, run_start (first year of the run), run_position (1, 2, … within
-- the run), completes_block (this year completes a block).
create or replace temp macro excellent_runs(to_year) as table
with
excellent_years as (
    -- year - row_number is constant within a run of consecutive years
    select person_id, year,
           year - row_number() over (partition by person_id order by year) as island,
    from valid_annual_grades()
    where grade = '优秀' and year <= to_year
),
final as (
    select person_id, year,
           min(year) over (partition by person_id, island) as run_start,
           (year - min(year) over (partition by person_id, island) + 1)::integer as run_position,
    from excellent_years
)
select *,
       run_position % rule_num('assessment.streak_block_years')::integer = 0 as completes_block,
from final;

-- The same runs as year masks, for the analyses of every person at once (a window over a
-- million persons' years costs seconds; one group-by and bit arithmetic per person do not).
-- Table macro excellent_masks(to_year); grain: one row per person with a 优秀 year <= to_year
-- (valid or not: cut with eval_year_bits). Columns: person_id, raw (bit i = 优秀 in to_year − i,
-- for the 63 years i = 0 … 62), old (bit i = 优秀 in to_year − 63 − i) and older (to_year − 126
-- − i): years are 1950 … 2100 (schema check), so the three cover all. A person with old or older
-- years (no real career is that long) is worked out from eval_mask_years by the window method.
create or replace temp macro excellent_masks(to_year) as table
-- (a FILTER does not keep its aggregate's argument from being computed on every row: each shift
-- is clamped to 0 … 63)
select person_id,
       coalesce(bit_or(1::ubigint << least(to_year - year, 63)::ubigint)
                    filter (where year > to_year - 63), 0::ubigint) as raw,
       coalesce(bit_or(1::ubigint << least(greatest(to_year - 63 - year, 0), 63)::ubigint)
                    filter (where year <= to_year - 63 and year > to_year - 126), 0::ubigint) as old,
       coalesce(bit_or(1::ubigint << least(greatest(to_year - 126 - year, 0), 63)::ubigint)
                    filter (where year <= to_year - 126 and year > to_year - 189), 0::ubigint) as older,
from annual_assessments
where grade = '优秀' and year <= to_year
group by person_id;

-- eval_mask_years(m, to_year) -> INTEGER[]: the years of the set bits of a mask (bit i = to_year − i).
create or replace temp macro eval_mask_years(m, to_year) as (
    list_transform(list_filter(range(0, 63), lambda i: (m >> i::ubigint) & 1::ubigint = 1),
                   lambda i: (to_year - i)::integer)
);

-- eval_year_bits(entry_date, exit_date, to_year) -> UBIGINT: bit i set when the year to_year − i
-- (i = 0 … 62) is one the person was active in (the rule of valid_annual_grades: entry_date on or
-- before 31 Dec, exit_date empty or after 1 Jan): years year(entry_date) … the last active year.
create or replace temp macro eval_year_bits(entry_date, exit_date, to_year) as (
    -- bits lo … hi; both clamped to 0 … 62 so that no shift is out of range on any row
    case when least(to_year - year(entry_date), 62) < to_year - eval_last_year(exit_date, to_year)
         then 0::ubigint
         else ((1::ubigint << (greatest(least(to_year - year(entry_date), 62), 0) + 1)::ubigint)
               - 1::ubigint)
              & ~((1::ubigint << least(to_year - eval_last_year(exit_date, to_year), 62)::ubigint)
                  - 1::ubigint)
    end
);

-- eval_last_year(exit_date, to_year): the last year up to to_year a person leaving on exit_date
-- was active in (the year of exit_date unless it is 1 January, when it is the year before).
create or replace temp macro eval_last_year(exit_date, to_year) as (
    least(case when exit_date is null then to_year
               when exit_date > make_date(year(exit_date), 1, 1) then year(exit_date)
               else year(exit_date) - 1 end, to_year)
);

-- eval_run_position(m, i): the position in its run (1, 2, …) of the 优秀 year of bit i of the
-- mask m (bit i + 1 is the year before): the number of consecutive set bits from bit i up;
-- 0 when bit i is not set.
create or replace temp macro eval_run_position(m, i) as (
    bit_count(xor(m >> i::ubigint, (m >> i::ubigint) + 1::ubigint)) - 1
);

-- eval_high_bit(m): the highest set bit of m (> 0, below 2^63); log2 of a double may round up
-- near a power of two, so the candidate is checked.
create or replace temp macro eval_high_bit(m) as (
    floor(log2(m::double))::integer
    - ((1::ubigint << floor(log2(m::double))::ubigint) > m)::integer
);

-- eval_block_bits(m, block_years) -> INTEGER[]: the bits of m (> 0) whose year completes a block
-- (run position a multiple of block_years), lowest bit (latest year) first.
create or replace temp macro eval_block_bits(m, block_years) as (
    list_filter(range(0, eval_high_bit(m) + 1),
                lambda i: eval_run_position(m, i) > 0 and eval_run_position(m, i) % block_years = 0)
);
