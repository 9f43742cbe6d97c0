-- structure/pool_dynamics.sql — size and flows of each talent pool (人才库) per year.
-- A year Y runs from the day after 31 December of Y-1 to 31 December of Y (rules:
-- general.year_end): a spell [entered_on, exited_on) is in the pool on a date it covers, so
-- size = size_start + entries - exits holds exactly on every row.
-- Grain: one row per (pool, year) of the range, zeros included.
-- Parameters: $first_year, $last_year (INTEGER); $pool (VARCHAR, NULL = both pools);
--   $genders, $educations (VARCHAR[]), $cohorts (INTEGER[] of entry years), $counties
--   (VARCHAR[] of county codes, county_of(person_id)): NULL = no filter.
-- Columns: pool, year, as_of (31 Dec of year), size_start (members on 31 Dec of the year before),
--   entries, exits, size (members on as_of), median_months (median full months in the pool of
--   the members on as_of), median_months_exited (of the spells that ended in the year).
with
years as (
    select y::integer as year, year_end(y::integer - 1) as d0, year_end(y::integer) as as_of
    from range($first_year, $last_year + 1) as t(y)
),
pools as (
    select unnest(enum_range(null::pool_name))::varchar as pool
),
frame as (
    select p.pool, y.year, y.d0, y.as_of
    from pools as p, years as y
    where $pool::varchar is null or p.pool = $pool::varchar
),
spells as (
    select m.pool::varchar as pool, m.entered_on, m.exited_on,
    from pool_members as m
    join persons as p using (person_id)
    where ($genders::varchar[] is null or list_contains($genders::varchar[], p.gender::varchar))
      and ($educations::varchar[] is null
           or list_contains($educations::varchar[], p.education::varchar))
      and ($cohorts::integer[] is null or list_contains($cohorts::integer[], year(p.entry_date)))
      and ($counties::varchar[] is null
           or list_contains($counties::varchar[], county_of(p.person_id)))
),
final as (
    select
        f.pool,
        f.year,
        f.as_of,
        count(s.pool) filter (where covers(s.entered_on, s.exited_on, f.d0)) as size_start,
        count(s.pool) filter (where s.entered_on > f.d0 and s.entered_on <= f.as_of) as entries,
        count(s.pool) filter (where s.exited_on > f.d0 and s.exited_on <= f.as_of) as exits,
        count(s.pool) filter (where covers(s.entered_on, s.exited_on, f.as_of)) as size,
        median(full_months(s.entered_on, f.as_of))
            filter (where covers(s.entered_on, s.exited_on, f.as_of)) as median_months,
        median(full_months(s.entered_on, s.exited_on))
            filter (where s.exited_on > f.d0 and s.exited_on <= f.as_of) as median_months_exited,
    from frame as f
    left join spells as s
        on s.pool = f.pool
       and s.entered_on <= f.as_of
       and (s.exited_on is null or s.exited_on > f.d0)
    group by f.pool, f.year, f.as_of
)
select * from final
order by pool, year;
