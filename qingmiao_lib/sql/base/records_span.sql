-- records_span() — the years the records themselves cover: from the earliest entry to the latest
-- dated record of any kind (max skips NULLs).
-- Grain: one row (first_year, last_year); NULLs when there are no persons.
-- (The latest dates as one union and one max: written as greatest() over nine scalar
-- subqueries, the macro cost ~17 ms of join-order planning per call.)
create or replace temp macro records_span() as table
select
    (select year(min(entry_date)) from persons) as first_year,
    (select max(y) from (
        select year(max(entry_date)) as y from persons
        union all select year(max(exit_date)) from persons
        union all select max(year) from annual_assessments
        union all select year(max(start_date)) from ranks
        union all select year(max(start_date)) from posts
        union all select year(max(entered_on)) from pool_members
        union all select year(max(start_date)) from trainings
        union all select year(max(start_date)) from practices
    )) as last_year;
