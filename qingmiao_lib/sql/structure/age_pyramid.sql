-- structure/age_pyramid.sql — the age pyramid: active persons by age band and gender on a date.
-- Grain: one row per (age band, gender) with at least one person.
-- Parameters: $as_of (DATE), $band_years (INTEGER, width of an age band), $young_only (BOOLEAN).
-- Columns: band_start (first age of the band), band_end (last age), gender, persons.
with
people as (
    select age, gender
    from person_snapshot($as_of::date)
    where active and (young or not $young_only)
),
final as (
    select
        (age // $band_years) * $band_years as band_start,
        (age // $band_years) * $band_years + $band_years - 1 as band_end,
        gender,
        count(*) as persons,
    from people
    group by band_start, band_end, gender
)
select * from final
order by band_start, gender;
