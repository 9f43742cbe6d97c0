-- figures/data_years.sql — the span of years the records cover.
-- Grain: one row. Columns: first_year, last_year; both NULL when there are no persons.
-- Where the database says which years its records are complete for (meta data_from / data_to,
-- written by the demo and the importer), that span is used; otherwise the records' own span
-- (records_span in sql/base).
with
stated as (
    select
        max(case when key = 'data_from' then try_cast(value as integer) end) as first_year,
        max(case when key = 'data_to' then try_cast(value as integer) end) as last_year,
    from meta
)
select
    case when r.first_year is not null then coalesce(s.first_year, r.first_year) end as first_year,
    case when r.first_year is not null then coalesce(s.last_year, r.last_year) end as last_year,
from stated as s, records_span() as r
