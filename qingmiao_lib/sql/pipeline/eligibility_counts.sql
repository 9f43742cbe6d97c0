-- pipeline/eligibility_counts.sql — eligibility on a date counted by unit and next rank.
-- Grain: one row per (unit, next rank) with at least one active person who has a next rank
-- (persons at the ceiling or not yet graded have none and are left out).
-- Parameters: $as_of (DATE), $units (VARCHAR[] of unit_id, NULL = all), $counties
--   (VARCHAR[] of county codes, county_of(person_id): a combined database's; NULL = all;
--   given, each person is judged as their county's own database would: eligibility_on per_county),
--   $county_quotas (the county_quotas rows of year($as_of) of those counties; NULL without),
--   $within (INTEGER months for due_within, NULL = 0: already met).
-- Columns: unit_id, unit_name, next_rank, next_step, persons, qualified, eligible, quota_blocked
--   (qualified but the quota is full), not_qualified; the failed conditions (a person may fail
--   several): short_tenure, grade_failed (last year's grade missing or not allowed), blocked
--   (supervision in effect); due_within (time condition met within $within months).
with
counted as (
    -- counted per unit id and next step first, the names joined once per group
    select
        e.unit_id,
        e.next_step,
        count(*) as persons,
        count(*) filter (where e.qualified) as qualified,
        count(*) filter (where e.eligible) as eligible,
        count(*) filter (where e.qualified and not e.quota_ok) as quota_blocked,
        count(*) filter (where not e.qualified) as not_qualified,
        count(*) filter (where not e.time_ok) as short_tenure,
        count(*) filter (where not e.grade_ok) as grade_failed,
        count(*) filter (where e.blocking_kind is not null) as blocked,
        count(*) filter (where e.time_met_on <= ($as_of::date + to_months(coalesce($within, 0)::integer))::date)
            as due_within,
    from eligibility_on($as_of::date, units := $units::varchar[], counties := $counties::varchar[],
                        per_county := $counties::varchar[] is not null,
                        county_quotas := $county_quotas) as e
    where e.next_rank is not null
    group by e.unit_id, e.next_step     -- the next rank is the ladder's rank at next_step
),
final as (
    select c.unit_id, coalesce(u.name, '无在任职务') as unit_name, r.rank::varchar as next_rank, c.next_step,
           c.persons, c.qualified, c.eligible, c.quota_blocked, c.not_qualified, c.short_tenure,
           c.grade_failed, c.blocked, c.due_within,
    from counted as c
    join rule_ranks as r on r.step = c.next_step
    left join units as u using (unit_id)
)
select * from final
order by unit_id nulls last, next_step;
