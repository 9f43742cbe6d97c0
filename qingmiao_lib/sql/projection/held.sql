-- projection/held.sql — table macro projection_held(first_year, last_year): the state of every
-- person active on the year end (rules general.year_end) of each year from first_year to
-- last_year, as the Markov manpower model counts it (projection): age, rank step, post level
-- step, and the statutory retirement date (outlook/retirement.sql; the 县处级 rule reads the main
-- post's level on that day).
-- The base layer on each year end: the stored snapshot where the date is stored (the data years),
-- else person_snapshot_live, as person_snapshot picks; the years are read together (one scan of
-- snapshots for the stored ones, one lateral join for the others) instead of one
-- person_snapshot per year, whose lateral form costs ~5× as much on stored dates.
-- Needs: outlook.install_macros (retirement_date) on the connection.
-- Grain: one row per (year, person active on year_end(year)).
-- Parameters: first_year, last_year (INTEGER).
-- Columns: year, person_id, day (year_end(year)), age, rank_step (0 = no rank yet, 未定职级),
--   level_step (无 = 0), entry_date, retirement_date.
create or replace temp macro projection_held(first_year, last_year) as table
with
years as (
    select range::integer as year, year_end(range::integer) as day,
    from range(first_year::bigint, last_year::bigint + 1)
),
stored as (
    select y.year, y.day,
    from years as y
    semi join snapshots as s on s.snapshot_date = y.day
),
live as (
    select y.year, y.day,
    from years as y
    anti join stored as s on s.year = y.year
),
snapped as (
    select y.year, y.day, s.person_id, s.age, s.rank_step, s.level_step, s.level, s.gender,
           s.birth_date, s.entry_date,
    from stored as y
    join snapshots as s on s.snapshot_date = y.day
    where s.active
    union all
    select y.year, y.day, s.person_id, s.age, s.rank_step, s.level_step, s.level, s.gender,
           s.birth_date, s.entry_date,
    from live as y, lateral person_snapshot_live(y.day) as s
    where s.active
),
final as (
    select year, person_id, day, age,
           coalesce(rank_step, 0)::integer as rank_step,
           coalesce(level_step, 0)::integer as level_step,
           entry_date,
           retirement_date(birth_date, gender, retirement_county_level(level)) as retirement_date,
    from snapped
)
select * from final;
