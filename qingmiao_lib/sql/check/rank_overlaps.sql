-- check/rank_overlaps.sql — rank rows starting before an earlier rank row of the person ended.
-- Grain: one row per overlapping rank row.
select person_id as example
from (
    select person_id, start_date,
           max(coalesce(end_date, 'infinity'::date)) over (
               partition by person_id order by start_date rows between unbounded preceding and 1 preceding
           ) as prev_end,
    from ranks
)
where prev_end > start_date
