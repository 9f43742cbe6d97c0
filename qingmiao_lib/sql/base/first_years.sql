-- base/first_years.sql — the first year of each kind of record the report's trend charts start
-- from: the earliest entry into service, pool admission and practice posting.
-- Grain: one row. Parameters: none.
-- Columns: entry (year of the earliest persons.entry_date), pool (of pool_members.entered_on),
--   practice (of practices.start_date); NULL when the table has no rows.
select
    (select year(min(entry_date)) from persons) as entry,
    (select year(min(entered_on)) from pool_members) as pool,
    (select year(min(start_date)) from practices) as practice;
