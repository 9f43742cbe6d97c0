-- pipeline/eligibility.sql — the rank-promotion eligibility list on a date (SPEC §5), optionally
-- with the forward view (who meets the time condition within N months if nothing else changes).
-- Grain: one row per person active on $as_of (in $units when given).
-- Parameters: $as_of (DATE), $units (VARCHAR[] of unit_id, NULL = all), $counties
--   (VARCHAR[] of county codes, county_of(person_id): a combined database's; NULL = all;
--   given, each person is judged as their county's own database would: eligibility_on per_county),
--   $county_quotas (the county_quotas rows of year($as_of) of those counties; NULL without),
--   $within (INTEGER months, NULL = no forward view); and what of the list is wanted: $due_only
--   (BOOLEAN: only the persons due within $within months; NULL or false = everyone), $next_rank
--   (VARCHAR: only those whose next rank it is; NULL = every rank), $eligible_only (BOOLEAN: only
--   the eligible; NULL or false = everyone) and $first (INTEGER: the list's first rows in its
--   order; NULL = all) — a viewer showing fifteen rows of a million asks for those, a report
--   listing the eligible for the eligible alone.
-- Columns: the contract columns person_id … reasons, then unit_name and the working columns of
--   eligibility_on (tenure basis, assessment years, last grade, quota figures), time_met_on,
--   months_to_eligible, due_within.
with
unit_order as (
    -- the unit's place in unit_id order: an INTEGER sorts a million rows faster than the text
    select unit_id, name, (row_number() over (order by unit_id))::integer as unit_order,
    from units
),
final as (
    select
        e.person_id, e.name, e.unit_id, e.current_rank, e.next_rank, e.tenure_months,
        e.required_months, e.qualified, e.quota_ok, e.eligible, e.reasons,
        u.name as unit_name, e.tenure_basis, e.tenure_start, e.rank_months, e.post_months,
        e.excellent_years, e.uncounted_years, e.last_grade, e.blocking_kind, e.blocking_until,
        e.quota_max, e.quota_holders, e.time_met_on, e.months_to_eligible,
        case when $within is not null then coalesce(
            e.time_met_on <= ($as_of::date + to_months($within::integer))::date, false) end as due_within,
        e.rank_step, u.unit_order,
    from eligibility_on($as_of::date, units := $units::varchar[], counties := $counties::varchar[],
                        per_county := $counties::varchar[] is not null,
                        county_quotas := $county_quotas) as e
    left join unit_order as u using (unit_id)
)
select * exclude (rank_step, unit_order)
from final
where (not coalesce($due_only::boolean, false) or due_within)
  and ($next_rank::varchar is null or next_rank::varchar = $next_rank::varchar)
  and (not coalesce($eligible_only::boolean, false) or eligible)
order by unit_order nulls last, rank_step desc nulls last, person_id
limit $first::integer;
