-- structure/over_time.sql — active persons on 31 December of each year of a range, by a
-- combination of dimensions, in one query.
-- Grain: one row per (year, combination of the chosen dimensions) with at least one person.
-- Parameters: $first_year, $last_year (INTEGER) and the slice filters of in_slice ($units,
--   $counties, $unit_kinds, $genders, $educations, $cohorts, $pool, $young, $first_five;
--   NULL = none).
-- Source: structure_series (structure/series_full.sql), which the query layer points at
--   series_persons or series_stored when they give the same rows faster.
--   $dims (VARCHAR[]): the columns of the dims CTE to group by, as in structure/headcount.sql.
-- Columns: year, as_of, those of $dims, persons; qingmiao_lib.structure orders the rows by year
--   and the sort keys and drops them.
with
people as (
    select s.*, u.name as unit_name,
    from structure_series($first_year::integer, $last_year::integer) as s
    left join units as u on u.unit_id = s.unit_id
    where in_slice(s.person_id, s.unit_id, s.unit_kind, s.gender, s.education, s.entry_cohort,
                   s.in_young_pool, s.in_two_type_pool, s.young, s.first_five,
                   $units::varchar[], $counties::varchar[], $unit_kinds::varchar[],
                   $genders::varchar[], $educations::varchar[], $cohorts::integer[],
                   $pool::varchar, $young::boolean, $first_five::boolean)
),
dims as (
    -- every dimension's label and sort key (structure/dimensions.sql); the chosen ones are kept
    select s.year, s.as_of,
        structure_age_band(s.age) as age_band, structure_age_band_start(s.age) as sort_age_band,
        structure_generation(s.birth_date) as generation,
        structure_generation_year(s.birth_date) as sort_generation,
        s.gender::varchar as gender, s.gender as sort_gender,
        s.education::varchar as education, s.education as sort_education,
        coalesce(s.political_status, '未填写') as political_status,
        coalesce(s.political_status, '未填写') as sort_political_status,
        coalesce(s.entry_channel::varchar, '未填写') as entry_channel, s.entry_channel as sort_entry_channel,
        s.entry_cohort as entry_year, s.entry_cohort as sort_entry_year,
        coalesce(s.unit_name, '无在任职务') as unit_name, s.unit_id as sort_unit,
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
final as (
    select year, as_of, columns(lambda c: list_contains($dims::varchar[], c)), count(*) as persons,
    from dims
    group by all
)
select * from final;
