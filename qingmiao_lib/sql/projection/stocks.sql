-- projection/stocks.sql — the stocks the Markov manpower model starts from (and the backtest
-- compares with): the persons active on the year end of each year $first … $last by age, rank
-- and post level, with the year ahead their statutory retirement falls in.
-- Grain: one row per (year, age, rank_step, level_step, retire_in) with at least one person.
-- Parameters: $first, $last (INTEGER years); $years (INTEGER: the horizon; a retirement further
--   ahead is not computed: retire_in NULL); $below (INTEGER: ages below it only).
-- Columns: year, age (on year_end(year)), rank_step (0 = 未定职级), level_step, retire_in (k ≥ 1:
--   the retirement date is in (day + (k − 1) years, day + k years], month-end clamped; a date
--   already passed counts as 1; NULL: more than $years years ahead), entered (BOOLEAN: entry_date after the year end of year − 1,
--   the year's intake), persons.
with
held as (
    select *, full_months(day, retirement_date) // 12 as whole_years,
    from projection_held($first::integer, $last::integer, $years::integer, $below::integer)
),
final as (
    select year, age, rank_step, level_step,
           case
               when retirement_date is null then null
               when retirement_date <= day then 1
               when (day + to_years(whole_years::integer))::date = retirement_date then whole_years
               else whole_years + 1
           end::integer as retire_in,
           entry_date > prev_day as entered,
           count(*)::bigint as persons,
    from held
    group by all
)
select * from final
order by year, age, rank_step, level_step, retire_in, entered;
