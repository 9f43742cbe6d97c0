-- structure/age_pyramid.sql — the age pyramid: active persons by age band and gender on a date.
-- Grain: one row per (age band, gender) with at least one person.
-- Parameters: $as_of (DATE), $band_years (INTEGER, width of an age band), $young_only (BOOLEAN),
--   and the slice filters of in_slice: $units, $counties, $unit_kinds, $genders, $educations,
--   $cohorts, $pool, $young, $first_five (each NULL for no filter).
-- Columns: band_start (first age of the band), band_end (last age), gender, persons.
with
people as (
    select s.age, s.gender
    from person_snapshot_at($as_of::date) as s
    where s.active and (s.young or not $young_only)
      and in_slice(s.person_id, s.unit_id, s.unit_kind, s.gender, s.education, s.entry_cohort,
                   s.in_young_pool, s.in_two_type_pool, s.young, s.first_five,
                   $units::varchar[], $counties::varchar[], $unit_kinds::varchar[],
                   $genders::varchar[], $educations::varchar[], $cohorts::integer[],
                   $pool::varchar, $young::boolean, $first_five::boolean)
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
