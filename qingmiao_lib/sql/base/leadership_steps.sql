-- base/leadership_steps.sql — leadership_steps(first_date, last_date): the leadership promotions
-- (SPEC §5, the basis of F7) among the posts starting from first_date to last_date: a post whose
-- level is above the level of the person's preceding post — the latest post started before it,
-- the highest level among those started that day. A first-ever post (no preceding one, e.g. a
-- transfer in at a leadership level) is no promotion; nor is a post at 无.
-- Method: each post of the span above 无 meets every earlier post of its person (one hash join on
-- the person), and the max of (days since 0001-01-01 · 256 + step) over them holds the preceding
-- post's step in its low byte (steps are small): one join and one group-by, no window over the
-- whole post history.
-- Grain: one row per promotion (post); (person_id, unit_id, start_date) is the key of posts.
-- Parameters: first_date, last_date (DATE).
-- Columns: person_id, unit_id, start_date, level (post_level), step, prev_step (the preceding
--   post's step).
create or replace temp macro leadership_steps(first_date, last_date) as table
select person_id, unit_id, start_date, level, step, prev_step
from (
    select p.person_id, p.unit_id, p.start_date, p.level, p.step,
           (max((date_diff('day', date '0001-01-01', q.start_date)::bigint << 8) | ql.step) & 255)::integer
               as prev_step,
    from (
        select p.person_id, p.unit_id, p.start_date, p.level, rl.step,
        from posts as p
        join rule_levels as rl on rl.level = p.level
        where p.start_date between first_date::date and last_date::date and rl.step > 0
    ) as p
    join posts as q on q.person_id = p.person_id and q.start_date < p.start_date
    join rule_levels as ql on ql.level = q.level
    group by p.person_id, p.unit_id, p.start_date, p.level, p.step
)
where step > prev_step;
