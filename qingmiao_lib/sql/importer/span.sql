-- importer/span.sql — the years the records cover after an import, written to meta
-- data_from / data_to: from the earliest entry to the latest dated record of any kind.
-- Grain: one row (first_year, last_year); NULLs when there are no persons.
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
    ) as last_year,
