-- evaluation/streaks.sql — each person's 优秀 runs up to a year: current and longest run, and
-- the blocks completed (三等功 due; runs as in excellent_runs, the F6 definition).
-- Grain: one row per person of the slice, active on $as_of, with at least one valid 优秀 year
-- up to $year.
-- Parameters: $year, $as_of (31 Dec of $year), slice filters $units, $age_group, $young,
--   $entry_cohort (each NULL = all).
-- Columns: person_id, name, unit_id, young, current_run (years in the run ending in $year;
--   0 when $year is not 优秀), longest_run, blocks (completed blocks, i.e. merits due, up to
--   $year), last_block_year, excellent_years.
with
people as (
    select person_id, name, unit_id, young, entry_date, exit_date,
    from eval_slice($as_of::date, $units::varchar[], $age_group::varchar, $young::boolean,
                    $entry_cohort::integer)
    where active
),
excellent_years as (
    -- the valid 优秀 years (as valid_annual_grades, on the slice's entry and exit dates) of the
    -- persons of the slice, then runs as in excellent_runs (the persons table is not read again)
    select a.person_id, a.year,
           a.year - row_number() over (partition by a.person_id order by a.year) as island,
    from annual_assessments as a
    join people as p using (person_id)
    where a.grade = '优秀' and a.year <= $year::integer
      and p.entry_date <= make_date(a.year, 12, 31)
      and (p.exit_date is null or p.exit_date > make_date(a.year, 1, 1))
),
runs as (
    select person_id, year,
           (year - min(year) over (partition by person_id, island) + 1)::integer as run_position,
           run_position % rule_num('assessment.streak_block_years')::integer = 0 as completes_block,
    from excellent_years
),
per_person as (
    select
        person_id,
        max(run_position) filter (where year = $year) as current_run,
        max(run_position) as longest_run,
        count(*) filter (where completes_block) as blocks,
        max(year) filter (where completes_block) as last_block_year,
        count(*) as excellent_years,
    from runs
    group by person_id
)
select p.person_id, p.name, p.unit_id, p.young,
       coalesce(r.current_run, 0)::integer as current_run, r.longest_run::integer as longest_run,
       r.blocks::integer as blocks, r.last_block_year::integer as last_block_year,
       r.excellent_years::integer as excellent_years,
from per_person as r
join people as p using (person_id)
order by longest_run desc, current_run desc, person_id;
