-- outlook/retirements.sql — the statutory retirements ahead (SPEC §9), as a list.
-- Grain: one row per person active on as_of whose retirement date is in (as_of, as_of + years].
-- Parameters: $as_of (DATE), $years (INTEGER ≥ 1), $units (VARCHAR[]: unit ids of the main post
--   on as_of, or NULL for all), $counties (VARCHAR[] of county codes on a combined database,
--   county_of(person_id); NULL = all).
-- Columns: person_id, name, gender, birth_date, retirement_age_months, retirement_date, unit_id,
--   unit_name, level, rank.
with
final as (
    select person_id, name, gender, birth_date, retirement_age_months, retirement_date,
           unit_id, unit_name, level, rank,
    from retirements_ahead($as_of::date, $years::integer)
    where ($units::varchar[] is null or list_contains($units::varchar[], unit_id))
      and ($counties::varchar[] is null or list_contains($counties::varchar[], county_of(person_id)))
)
select * from final
order by retirement_date, person_id;
