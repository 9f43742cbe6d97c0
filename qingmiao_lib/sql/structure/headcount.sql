-- structure/headcount.sql — active persons on a date by a combination of dimensions.
-- Grain: one row per combination of the chosen dimensions with at least one person (one row in
--   all when no dimension is chosen).
-- Parameters: $as_of (DATE) and the slice filters of in_slice ($units, $unit_kinds, $genders,
--   $educations, $cohorts, $pool, $young, $first_five; NULL = no filter).
-- The markers /*dims*/ and /*order*/ are replaced by qingmiao_lib.structure with
-- fragments from its DIMENSIONS allowlist only (never user text).
-- Columns: one or two per dimension (see structure.DIMENSIONS), persons; the sort_* keys
--   order the rows and are not returned.
with
people as (
    select s.*, u.name as unit_name,
    from person_snapshot($as_of::date) as s
    left join units as u on u.unit_id = s.unit_id
    where s.active
      and in_slice(s.unit_id, s.unit_kind, s.gender, s.education, s.entry_cohort,
                   s.in_young_pool, s.in_two_type_pool, s.young, s.first_five,
                   $units::varchar[], $unit_kinds::varchar[], $genders::varchar[],
                   $educations::varchar[], $cohorts::integer[], $pool::varchar,
                   $young::boolean, $first_five::boolean)
),
final as (
    select /*dims*/ count(*) as persons,
    from people as s
    group by all
)
select columns(lambda c: c not like 'sort\_%' escape '\')
from final
order by /*order*/;
