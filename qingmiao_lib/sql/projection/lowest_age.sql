-- projection/lowest_age.sql — the lowest statutory retirement age in whole years (the lower of
-- the men's and women's base ages; no delay lowers it): projection_held (held.sql) computes a
-- retirement date within `within` years exactly where age + within ≥ it, the same test, so that
-- the stocks counted for one horizon give those of a shorter one (projection._counted).
-- Needs: outlook.install_macros (the variable qingmiao_retirement) on the connection.
-- Grain: one row. Parameters: none.
-- Columns: lowest_age (INTEGER, years).
with
final as (
    select least(getvariable('qingmiao_retirement').male_base_months,
                 getvariable('qingmiao_retirement').female_base_months) // 12 as lowest_age,
)
select * from final;
