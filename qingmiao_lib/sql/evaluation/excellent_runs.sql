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
