-- pipeline/first_promotion.sql — time from entry to the first rank promotion (晋升 after the
-- entry date): the Kaplan–Meier event table per entry cohort. Persons not promoted by $as_of are
-- censored at their exit date or $as_of, whichever comes first (kept, not dropped).
-- The table is the one lifelines builds (survival_table_from_events): every month with a
-- promotion or a censoring, plus the start — month 0, or the earliest month when one is negative
-- — where the whole cohort enters; at risk in a month = the cohort − those promoted or censored
-- in earlier months (a person censored in a month is still at risk in it).
-- Grain: one row per (entry cohort, month of the table).
-- Parameters: $as_of (DATE), $cohorts (INTEGER[] of entry years, NULL = all who entered by $as_of),
--   $counties (VARCHAR[] of county codes on a combined database: the persons whose keys are
--   those counties'; NULL = all).
-- Columns: cohort, months (full months from entry), at_risk, events (promoted), censored.
with
entrants as (
    select person_id, entry_date, exit_date, year(entry_date) as cohort,
    from persons
    where entry_date <= $as_of::date
      and ($cohorts is null or list_contains($cohorts::integer[], year(entry_date)))
      and ($counties is null or list_contains($counties::varchar[], county_of(person_id)))
),
first_promotion as (
    select e.person_id, min(r.start_date) as promoted_on,
    from entrants as e
    join ranks as r on r.person_id = e.person_id
    where r.reason = '晋升' and r.start_date > e.entry_date and r.start_date <= $as_of::date
    group by e.person_id
),
observed as (
    -- one row per entrant: months to promotion or censoring
    select e.cohort,
           full_months(e.entry_date, coalesce(f.promoted_on, least(coalesce(e.exit_date, $as_of::date),
                                                                   $as_of::date))) as months,
           f.promoted_on is not null as event,
    from entrants as e
    left join first_promotion as f using (person_id)
),
times as (
    select cohort, months, count(*) filter (where event) as events,
           count(*) filter (where not event) as censored,
    from observed
    group by cohort, months
    union all
    select cohort, least(0, min(months)), 0, 0      -- the start: everyone enters
    from observed
    group by cohort
),
merged as (
    select cohort, months, sum(events)::bigint as events, sum(censored)::bigint as censored,
    from times
    group by cohort, months
),
final as (
    select cohort, months,
           (sum(events + censored) over (partition by cohort)
            - coalesce(sum(events + censored) over (
                  partition by cohort order by months rows between unbounded preceding and 1 preceding), 0)
           )::bigint as at_risk,
           events, censored,
    from merged
)
select * from final
order by cohort, months;
