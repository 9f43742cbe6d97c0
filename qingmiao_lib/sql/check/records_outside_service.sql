-- check/records_outside_service.sql — ranks, posts or grades starting before the person's entry
-- or after their exit. Grain: one row per such record.
with dated as (
    select person_id, start_date as d from ranks
    union all select person_id, start_date from posts
)
select d.person_id as example
from dated as d join persons as p using (person_id)
where d.d < p.entry_date or (p.exit_date is not null and d.d >= p.exit_date)
