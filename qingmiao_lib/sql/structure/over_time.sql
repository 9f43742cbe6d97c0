-- structure/over_time.sql — active persons on 31 December of each year of a range, by a
-- combination of dimensions, in one query.
-- Grain: one row per (year, combination of the chosen dimensions) with at least one person.
-- Parameters: $first_year, $last_year (INTEGER) and the slice filters of in_slice ($units,
--   $counties, $unit_kinds, $genders, $educations, $cohorts, $pool, $young, $first_five;
--   NULL = none).
-- Source: structure_series (structure/series_full.sql), which the query layer points at
--   series_persons or series_stored when they give the same rows faster.
--   $dims (VARCHAR[]): the chosen dimensions' labels and sort keys, as in
--   structure/headcount.sql, which groups and names them the same way: by the keys, then named.
-- Columns: year, as_of, those of $dims, persons; qingmiao_lib.structure orders the rows by year
--   and the sort keys and drops them.
with
people as (
    select s.*,
    from structure_series($first_year::integer, $last_year::integer) as s
    where in_slice(s.person_id, s.unit_id, s.unit_kind, s.gender, s.education, s.entry_cohort,
                   s.in_young_pool, s.in_two_type_pool, s.young, s.first_five,
                   $units::varchar[], $counties::varchar[], $unit_kinds::varchar[],
                   $genders::varchar[], $educations::varchar[], $cohorts::integer[],
                   $pool::varchar, $young::boolean, $first_five::boolean)
),
keys as (
    -- every dimension's key (structure/headcount.sql)
    select s.year, s.as_of,
        structure_age_band_start(s.age) as sort_age_band,
        structure_generation_year(s.birth_date) as sort_generation,
        s.gender as sort_gender,
        s.education as sort_education,
        coalesce(s.political_status, '未填写') as sort_political_status,
        s.entry_channel as sort_entry_channel,
        s.entry_cohort as sort_entry_year,
        s.unit_id as sort_unit,
        s.unit_kind as sort_unit_kind,
        s.rank_step as sort_rank, s.rank as rank_key,
        s.level_step as sort_level, s.level as level_key,
        structure_pool_order(s.in_young_pool, s.in_two_type_pool) as sort_pool,
        county_of(s.person_id) as sort_county,
        not s.young as sort_young,
        not s.first_five as sort_first_five,
        true as all_persons,                 -- the one key when no dimension is chosen
    from people as s
),
counted as (
    select year, as_of,
           columns(lambda c: list_contains($dims::varchar[], c)
                             or (c in ('rank_key', 'level_key')
                                 and list_contains($dims::varchar[], split_part(c, '_', 1)))),
           count(*) as persons,
    from keys
    group by all
),
every_key as (
    select * from counted
    union all by name
    select * from keys where false
),
named as (
    select k.*,
        structure_age_band(k.sort_age_band) as age_band,
        structure_generation_label(k.sort_generation) as generation,
        k.sort_gender::varchar as gender,
        k.sort_education::varchar as education,
        k.sort_political_status as political_status,
        coalesce(k.sort_entry_channel::varchar, '未填写') as entry_channel,
        k.sort_entry_year as entry_year,
        coalesce(u.name, '无在任职务') as unit_name,
        coalesce(k.sort_unit_kind::varchar, '无在任职务') as unit_kind,
        coalesce(k.rank_key::varchar, '未定职级') as rank,
        k.level_key::varchar as level,
        structure_pool_label(k.sort_pool) as pool_status,
        k.sort_county as county,
        not k.sort_young as young,
        not k.sort_first_five as first_five,
    from every_key as k
    left join units as u on list_contains($dims::varchar[], 'sort_unit') and u.unit_id = k.sort_unit
),
final as (
    select year, as_of, columns(lambda c: list_contains($dims::varchar[] || ['persons'], c)),
    from named
)
select * from final;
