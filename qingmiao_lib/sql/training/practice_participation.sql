-- training/practice_participation.sql — frontline practice postings (一线实践锻炼) by year and
-- program.
-- Grain: one row per (year the posting started, program) from $first_year to $last_year, with
--   at least one posting.
-- Parameters: $first_year, $last_year (INTEGER), $as_of (DATE: the end of the period; durations
--   and the slice are taken on it), and the slice filters $units, $counties, $unit_kinds, $cohorts.
-- Columns: year, program, postings, persons, young_persons (young on 31 December of the year,
--   as F4), ended (end_date ≤ $as_of), ongoing, median_posting_months and mean_posting_months (full months from
--   start to end of the ended postings).
with
people as (
    select person_id, birth_date
    from training_people($as_of::date)
    where training_in_slice(person_id, unit_id, unit_kind, entry_cohort,
                            $units, $counties, $unit_kinds, $cohorts)
),
postings as (
    select
        x.person_id, year(x.start_date) as year, x.program::varchar as program,
        age_on(p.birth_date, year_end(year(x.start_date))) < rule_num('general.young_age_limit')
            as young,
        case when x.end_date <= $as_of::date then full_months(x.start_date, x.end_date) end
            as months,
    from practices as x
    join people as p using (person_id)
    where year(x.start_date) between $first_year and $last_year
      and x.start_date <= $as_of::date
),
final as (
    select
        year, program,
        count(*) as postings,
        count(distinct person_id) as persons,
        count(distinct person_id) filter (where young) as young_persons,
        count(months) as ended,
        count(*) - count(months) as ongoing,
        median(months) as median_posting_months,
        avg(months) as mean_posting_months,
    from postings
    group by year, program
)
select * from final
order by year, program;
