-- pipeline/first_year.sql — the first year the records cover: the first year of
-- figures.data_years (sql/figures/data_years.sql) without its last year, which scans every
-- history table: meta data_from where the database states it, else the earliest entry; NULL
-- when there are no persons. The default entry cohorts of the funnel and the time to promotion
-- start here.
-- Grain: one row. Columns: first_year.
with
stated as (
    select max(case when key = 'data_from' then try_cast(value as integer) end) as first_year,
    from meta
),
recorded as (
    select year(min(entry_date)) as first_year from persons
)
select case when r.first_year is not null then coalesce(s.first_year, r.first_year) end as first_year,
from stated as s, recorded as r
