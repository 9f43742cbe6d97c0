-- structure/dimensions.sql — the dimensions structure.headcount and structure.over_time group by
-- (qingmiao_lib.structure.DIMENSIONS): each one's sort key and the label named from it, defined
-- once here. structure/headcount.sql and structure/over_time.sql list every key in their keys
-- CTE, group by the chosen ones (a bound list: COLUMNS(lambda c: list_contains($dims, c))) and
-- name each group after counting.
-- (The county dimension is county_of(person_id), base/macros.sql: a combined database's.)
-- Installed by qingmiao_lib.structure once per connection.

-- structure_age_band_start(age): the first year of a person's five-year age band (30 for 30–34).
create or replace temp macro structure_age_band_start(age) as (age // 5 * 5);

-- structure_age_band(age): the band's label, e.g. '30–34岁'.
create or replace temp macro structure_age_band(age) as (
    printf('%d–%d岁', structure_age_band_start(age), structure_age_band_start(age) + 4)
);

-- structure_generation_year(birth_date): the first birth year of the person's generation
-- (2000, 1995, 1990, 1985, 1980, 1970; 1900 for those born before 1970).
create or replace temp macro structure_generation_year(birth_date) as (
    case when year(birth_date) >= 2000 then 2000 when year(birth_date) >= 1995 then 1995
         when year(birth_date) >= 1990 then 1990 when year(birth_date) >= 1985 then 1985
         when year(birth_date) >= 1980 then 1980 when year(birth_date) >= 1970 then 1970
         else 1900 end
);

-- structure_generation_label(first_year): a generation's label from its first birth year
-- (structure_generation_year): '00后', '95后' … '70后', '70前'.
create or replace temp macro structure_generation_label(first_year) as (
    case when first_year = 1900 then '70前' else right(first_year::varchar, 2) || '后' end
);

-- structure_pool_order(in_young_pool, in_two_type_pool): the pools a person is in, as one
-- value 0 … 3 (the rows partition the headcount), the sort key of the pool status.
create or replace temp macro structure_pool_order(in_young_pool, in_two_type_pool) as (
    2 * (not in_young_pool)::int + (not in_two_type_pool)::int
);

-- structure_pool_label(pool_order): the pool status of structure_pool_order's value
-- ('两库均在', '年轻公务员库', '两型干部库', '未入库'; qingmiao_lib.structure.POOL_STATUSES).
create or replace temp macro structure_pool_label(pool_order) as (
    ['两库均在', '年轻公务员库', '两型干部库', '未入库'][pool_order + 1]
);
