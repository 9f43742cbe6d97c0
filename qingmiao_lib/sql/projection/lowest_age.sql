-- projection/lowest_age.sql — the lowest statutory retirement age in whole years
-- (retirement_lowest_age, outlook/retirement.sql): projection_held (held.sql) computes a
-- retirement date within `within` years exactly where age + within ≥ it, so that the stocks
-- counted for one horizon give those of a shorter one (projection._counted).
-- Needs: outlook.install_macros on the connection.
-- Grain: one row. Parameters: none.
-- Columns: lowest_age (INTEGER, years).
select retirement_lowest_age() as lowest_age;
