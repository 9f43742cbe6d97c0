-- check/post_overlaps.sql — post rows starting before an earlier post of the person ended.
-- Grain: one row per overlapping post.
select person_id as example
from (
    select person_id, start_date,
           max(coalesce(end_date, 'infinity'::date)) over (
               partition by person_id order by start_date rows between unbounded preceding and 1 preceding
           ) as prev_end,
    from posts
)
where prev_end > start_date
