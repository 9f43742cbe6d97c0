-- check/post_gaps.sql — a post ending with no next post starting that day while the person is
-- still in service (a hole in the post history). Grain: one row per gap.
with seq as (
    select r.person_id, r.end_date,
           lead(r.start_date) over (partition by r.person_id order by r.start_date) as next_start,
    from posts as r
)
select s.person_id as example
from seq as s join persons as p using (person_id)
where s.end_date is not null
  and (s.next_start > s.end_date or (s.next_start is null and (p.exit_date is null or p.exit_date > s.end_date)))
