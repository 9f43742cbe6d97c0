-- training/lecture_sessions.sql — weekly lectures (每周一讲) held per year and topic.
-- Grain: one row per (year, topic) with at least one session, $first_year to $last_year.
-- Parameters: $first_year, $last_year (INTEGER).
-- Columns: year, topic, sessions, first_held, last_held.
select
    year(held_on) as year,
    topic::varchar as topic,
    count(*) as sessions,
    min(held_on) as first_held,
    max(held_on) as last_held,
from lectures
where year(held_on) between $first_year and $last_year
group by year(held_on), topic
order by year, topic;
