-- projection/transitions.sql — the observed year-on-year transitions of the Markov manpower
-- model: each person active on the year end of y − 1 (the start state) and where they are on the
-- year end of y (still active: the end state; else an exit), for the years y = $first … $last.
-- A person whose statutory retirement date falls on or before the end of y is left out: the
-- projection removes statutory retirements by date, so they must not count as exits too.
-- Other exits (resignation, transfer out, early retirement, death) are exits.
-- Grain: one row per (year, age, rank_step, level_step, exited, to_rank_step, to_level_step)
--   with at least one person.
-- Parameters: $first, $last (INTEGER: the transition years; the states read are the year ends of
--   $first − 1 … $last); $below (INTEGER: start ages below it only; their end states a year
--   older are read up to $below, so reaching it is no exit).
-- Columns: year (y), age (on the year end of y − 1), rank_step, level_step (start state), exited
--   (BOOLEAN), to_rank_step, to_level_step (end state; NULL when exited), persons.
with
held as (
    select * from projection_held($first::integer - 1, $last::integer, 1, $below::integer + 1)
),
moved as (
    select s.year + 1 as year, s.age, s.rank_step, s.level_step,
           e.person_id is null as exited,
           e.rank_step as to_rank_step, e.level_step as to_level_step,
    from held as s
    left join held as e on e.person_id = s.person_id and e.year = s.year + 1
    where s.year < $last::integer
      and s.age < $below::integer
      and (s.retirement_date is null or s.retirement_date > s.next_day)
),
final as (
    select year, age, rank_step, level_step, exited, to_rank_step, to_level_step,
           count(*)::bigint as persons,
    from moved
    group by all
)
select * from final
order by year, age, rank_step, level_step, exited, to_rank_step, to_level_step;
