-- person_pools(as_of) — pool memberships on a date.
-- Grain: one row per person who is a member of at least one pool on as_of.
-- Parameters: as_of (DATE); enabled (BOOLEAN, default true: false reads no rows — see
--   person_snapshot).
-- Columns: person_id, in_young_pool, in_two_type_pool.
create or replace temp macro person_pools(as_of, enabled := true) as table
select
    person_id,
    bool_or(pool = '年轻公务员库') as in_young_pool,
    bool_or(pool = '两型干部库') as in_two_type_pool,
from pool_members
where enabled and covers(entered_on, exited_on, as_of)
group by person_id;
