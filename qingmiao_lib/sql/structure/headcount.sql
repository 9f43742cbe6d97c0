-- structure/headcount.sql — active persons on a date by a combination of dimensions.
-- Grain: one row per combination of the chosen dimensions with at least one person (one row in
--   all when no dimension is chosen).
-- Parameters: $as_of (DATE) and the slice filters of in_slice ($units, $counties, $unit_kinds,
--   $genders, $educations, $cohorts, $pool, $young, $first_five; NULL = no filter).
--   $dims (VARCHAR[]): the columns of the dims CTE to group by — the chosen dimensions' labels
--   and sort keys (qingmiao_lib.structure.DIMENSIONS), or all_persons for none; the unit's label
--   unit_name is looked up after counting, for the units counted (a join per person cost ~40 ms
--   at a million persons, even when no unit was asked for).
-- Columns: those of $dims, persons; qingmiao_lib.structure orders the rows by the sort keys and
--   drops them.
with
people as (
    select s.*,
    from person_snapshot_at($as_of::date) as s
    where s.active
      and in_slice(s.person_id, s.unit_id, s.unit_kind, s.gender, s.education, s.entry_cohort,
                   s.in_young_pool, s.in_two_type_pool, s.young, s.first_five,
                   $units::varchar[], $counties::varchar[], $unit_kinds::varchar[],
                   $genders::varchar[], $educations::varchar[], $cohorts::integer[],
                   $pool::varchar, $young::boolean, $first_five::boolean)
),
dims as (
    -- every dimension's label and sort key (structure/dimensions.sql); the chosen ones are kept
    select 
        structure_age_band(s.age) as age_band, structure_age_band_start(s.age) as sort_age_band,
        structure_generation(s.birth_date) as generation,
        structure_generation_year(s.birth_date) as sort_generation,
        s.gender::varchar as gender, s.gender as sort_gender,
        s.education::varchar as education, s.education as sort_education,
        coalesce(s.political_status, '未填写') as political_status,
        coalesce(s.political_status, '未填写') as sort_political_status,
        coalesce(s.entry_channel::varchar, '未填写') as entry_channel, s.entry_channel as sort_entry_channel,
        s.entry_cohort as entry_year, s.entry_cohort as sort_entry_year,
        -- the unit's name is looked up after counting (below), for the units counted only
        case when list_contains($dims::varchar[], 'unit_name') then s.unit_id end as unit_key,
        s.unit_id as sort_unit,
        coalesce(s.unit_kind::varchar, '无在任职务') as unit_kind, s.unit_kind as sort_unit_kind,
        coalesce(s.rank::varchar, '未定职级') as rank, s.rank_step as sort_rank,
        s.level::varchar as level, s.level_step as sort_level,
        structure_pool_status(s.in_young_pool, s.in_two_type_pool) as pool_status,
        structure_pool_order(s.in_young_pool, s.in_two_type_pool) as sort_pool,
        county_of(s.person_id) as county, county_of(s.person_id) as sort_county,
        s.young as young, not s.young as sort_young,
        s.first_five as first_five, not s.first_five as sort_first_five,
        true as all_persons,
    from people as s
),
counted as (
    -- unit_key is NULL but for the unit dimension, whose sort key (grouped by) it equals
    select columns(lambda c: list_contains($dims::varchar[], c)), any_value(unit_key) as unit_key,
           count(*) as persons,
    from dims
    group by all
),
named as (
    select c.*, coalesce(u.name, '无在任职务') as unit_name,
    from counted as c
    left join units as u on u.unit_id = c.unit_key
),
final as (
    select columns(lambda c: list_contains($dims::varchar[] || ['persons'], c)),
    from named
)
select * from final;
