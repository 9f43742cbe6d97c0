-- structure/over_time.sql — active persons on 31 December of each year of a range, by a
-- combination of dimensions, in one query.
-- Grain: one row per (year, combination of the chosen dimensions) with at least one person.
-- Parameters: $first_year, $last_year (INTEGER) and the slice filters of in_slice ($units,
--   $unit_kinds, $genders, $educations, $cohorts, $pool, $young, $first_five; NULL = none).
-- Source: structure_series (structure/series_full.sql), which the query layer points at
--   series_persons or series_stored when they give the same rows faster.
-- Markers replaced by qingmiao_lib.structure from constants only: /*dims*/ and /*order*/ (from
-- its DIMENSIONS allowlist).
-- Columns: year, as_of, one or two per dimension, persons.
with
people as (
    select s.*, u.name as unit_name,
    from structure_series($first_year::integer, $last_year::integer) as s
    left join units as u on u.unit_id = s.unit_id
    where in_slice(s.unit_id, s.unit_kind, s.gender, s.education, s.entry_cohort,
                   s.in_young_pool, s.in_two_type_pool, s.young, s.first_five,
                   $units::varchar[], $unit_kinds::varchar[], $genders::varchar[],
                   $educations::varchar[], $cohorts::integer[], $pool::varchar,
                   $young::boolean, $first_five::boolean)
),
final as (
    select s.year, s.as_of, /*dims*/ count(*) as persons,
    from people as s
    group by all
)
select columns(lambda c: c not like 'sort\_%' escape '\')
from final
order by /*order*/;
