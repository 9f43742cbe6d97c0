-- figures/data_years.sql — the span of years the records speak of.
-- Grain: one row. Columns: first_year (earliest entry), last_year (latest dated record of any
-- kind; NULLs are skipped by greatest). Both NULL when there are no persons.
select
    (select year(min(entry_date)) from persons) as first_year,
    greatest(
        (select year(max(entry_date)) from persons),
        (select year(max(exit_date)) from persons),
        (select max(year) from annual_assessments),
        (select year(max(start_date)) from ranks),
        (select year(max(start_date)) from posts),
        (select year(max(entered_on)) from pool_members),
        (select year(max(start_date)) from trainings),
        (select year(max(start_date)) from practices)
    ) as last_year
