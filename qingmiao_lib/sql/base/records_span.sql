-- records_span() — the years the records themselves cover: from the earliest entry to the latest
-- dated record of any kind (greatest skips NULLs).
-- Grain: one row (first_year, last_year); NULLs when there are no persons.
create or replace temp macro records_span() as table
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
    ) as last_year;
