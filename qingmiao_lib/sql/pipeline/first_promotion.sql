-- pipeline/first_promotion.sql — time from entry to the first rank promotion (晋升 after the
-- entry date), for a Kaplan–Meier estimate per entry cohort. Persons not promoted by $as_of are
-- censored at their exit date or $as_of, whichever comes first (kept, not dropped).
-- Grain: one row per (entry cohort, months, event) — the counts the estimator is fitted on.
-- Parameters: $as_of (DATE), $cohorts (INTEGER[] of entry years, NULL = all who entered by $as_of).
-- Columns: cohort, months (full months from entry to promotion or censoring), event (true =
--   promoted), persons.
with
entrants as (
    select person_id, entry_date, exit_date, year(entry_date) as cohort,
    from persons
    where entry_date <= $as_of::date
      and ($cohorts is null or list_contains($cohorts::integer[], year(entry_date)))
),
first_promotion as (
    select e.person_id, min(r.start_date) as promoted_on,
    from entrants as e
    join ranks as r on r.person_id = e.person_id
    where r.reason = '晋升' and r.start_date > e.entry_date and r.start_date <= $as_of::date
    group by e.person_id
),
final as (
    select e.cohort,
           full_months(e.entry_date, coalesce(f.promoted_on, least(coalesce(e.exit_date, $as_of::date),
                                                                   $as_of::date))) as months,
           f.promoted_on is not null as event,
           count(*) as persons,
    from entrants as e
    left join first_promotion as f using (person_id)
    group by all
)
select * from final
order by cohort, months, event;
