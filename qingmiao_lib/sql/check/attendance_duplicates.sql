-- check/attendance_duplicates.sql — (lecture_id, person_id) pairs recorded more than once.
-- Grain: one row per surplus row.
select person_id as example
from (
    select person_id, row_number() over (partition by lecture_id, person_id) as k
    from lecture_attendance
)
where k > 1
