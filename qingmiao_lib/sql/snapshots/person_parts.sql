-- snapshots/person_parts.sql — the persons cut into consecutive ranges of person_id of at most
-- $persons persons each, for the stored tables written a range at a time
-- (snapshots/training_years_part.sql): every person lies in exactly one range.
-- Grain: one row per range, in order. Parameters: persons (INTEGER, > 0).
-- Columns: first, last (person_id bounds, both included).
select min(person_id) as first, max(person_id) as last,
from (
    select person_id, (row_number() over (order by person_id) - 1) // $persons as part,
    from persons
)
group by part
order by part;
