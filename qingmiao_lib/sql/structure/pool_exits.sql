-- structure/pool_exits.sql — exits from each talent pool per year, by exit reason.
-- A spell [entered_on, exited_on) exits in year Y when exited_on falls after 31 December of
-- Y-1 and on or before 31 December of Y (as in pool_dynamics.sql, whose exits these split).
-- Grain: one row per (pool, year, exit reason) with at least one exit.
-- Parameters: $first_year, $last_year (INTEGER); $pool (VARCHAR, NULL = both pools);
--   $genders, $educations (VARCHAR[]), $cohorts (INTEGER[] of entry years), $counties
--   (VARCHAR[] of county codes, county_of(person_id)): NULL = no filter.
-- Columns: pool, year, exit_reason ('未注明' when the record gives none), exits.
with
years as (
    select y::integer as year, year_end(y::integer - 1) as d0, year_end(y::integer) as as_of
    from range($first_year, $last_year + 1) as t(y)
),
spells as (
    select m.pool::varchar as pool, m.exited_on, coalesce(m.exit_reason, '未注明') as exit_reason,
    from pool_members as m
    join persons as p using (person_id)
    where m.exited_on is not null
      and ($pool::varchar is null or m.pool::varchar = $pool::varchar)
      and ($genders::varchar[] is null or list_contains($genders::varchar[], p.gender::varchar))
      and ($educations::varchar[] is null
           or list_contains($educations::varchar[], p.education::varchar))
      and ($cohorts::integer[] is null or list_contains($cohorts::integer[], year(p.entry_date)))
      and ($counties::varchar[] is null
           or list_contains($counties::varchar[], county_of(p.person_id)))
),
final as (
    select s.pool, y.year, s.exit_reason, count(*) as exits,
    from spells as s
    join years as y on s.exited_on > y.d0 and s.exited_on <= y.as_of
    group by s.pool, y.year, s.exit_reason
)
select * from final
order by pool, year, exits desc, exit_reason;
