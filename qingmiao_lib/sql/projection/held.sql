-- projection/held.sql — table macro projection_held(first_year, last_year, within, below): the state of every
-- person active and younger than `below` on the year end (rules general.year_end) of each year from first_year to
-- last_year, as the Markov manpower model counts it (projection): age, rank step, post level
-- step, and the statutory retirement date (outlook/retirement.sql; the 县处级 rule reads the main
-- post's level on that day).
-- The base layer on each year end: the stored snapshot where the date is stored (the data years),
-- else person_snapshot_live, as person_snapshot picks; the years are read together (one scan of
-- snapshots for the stored ones, one lateral join for the others) instead of one
-- person_snapshot per year, whose lateral form costs ~5× as much on stored dates.
-- Needs: outlook.install_macros (retirement_date) on the connection.
-- Grain: one row per (year, person active on year_end(year)).
-- Parameters: first_year, last_year (INTEGER); within (INTEGER ≥ 0: the retirement date is
--   computed only where it can fall within `within` years of the year end, i.e. age + within ≥
--   the lowest statutory age of the rules (no delay lowers it); elsewhere it is NULL, "later":
--   the date costs ~1 s per 5 million rows, and most rows are far from it; retirement_lowest_age(),
--   outlook/retirement.sql, read by projection/lowest_age.sql too, so that the rows of a shorter
--   horizon follow from a longer one's);
--   below (INTEGER: ages below it only — the young age limit for the under-40 cohort, which
--   nobody older can join).
-- Columns: year, person_id, day (year_end(year)), prev_day (year_end(year − 1)), next_day
--   (year_end(year + 1)), age, rank_step (0 = no rank yet, 未定职级), level_step (无 = 0),
--   entry_date, retirement_date (NULL: more than `within` years ahead).
-- Speed: the year ends are computed once (in years) and the stored rows are picked with `in`,
-- which DuckDB pushes into the scan of snapshots; year_end() in a row filter is a subquery per
-- row (~20× slower at a million persons).
create or replace temp macro projection_held(first_year, last_year, within, below) as table
with
years as (
    select range::integer as year, year_end(range::integer) as day,
           year_end(range::integer - 1) as prev_day, year_end(range::integer + 1) as next_day,
    from range(first_year::bigint, last_year::bigint + 1)
),
stored as (
    select y.*,
    from years as y
    where y.day in (select snapshot_date from snapshots where snapshot_date in (select day from years))
),
live as (
    select y.*,
    from years as y
    anti join stored as s on s.year = y.year
),
snapped as (
    select y.year, y.day, y.prev_day, y.next_day, s.person_id, s.age, s.rank_step, s.level_step,
           s.level, s.gender, s.birth_date, s.entry_date,
    from snapshots as s
    join stored as y on y.day = s.snapshot_date
    where s.snapshot_date in (select day from stored) and s.active and s.age < below
    union all
    select y.year, y.day, y.prev_day, y.next_day, s.person_id, s.age, s.rank_step, s.level_step,
           s.level, s.gender, s.birth_date, s.entry_date,
    from live as y, lateral person_snapshot_live(y.day) as s
    where s.active and s.age < below
),
final as (
    select year, person_id, day, prev_day, next_day, age,
           coalesce(rank_step, 0)::integer as rank_step,
           coalesce(level_step, 0)::integer as level_step,
           entry_date,
           case
               when age + within >= retirement_lowest_age()
               then retirement_date(birth_date, gender, retirement_county_level(level))
           end as retirement_date,
    from snapped
)
select * from final;
