-- training/leadership_steps.sql — training_leadership_steps(as_of): leadership appointments, i.e.
-- posts whose level is above the level of the person's preceding post (the F7 definition,
-- base/leadership_steps.sql: the preceding post is the latest one started before it, the highest
-- level among those started that day; a first-ever post is no appointment), with the level's
-- 任职培训 days.
-- Grain: one row per appointment (post) started on or before as_of.
-- Parameters: as_of (DATE).
-- Columns: person_id, unit_id, start_date, level, step, prev_step, appointment_training_days.
create or replace temp macro training_leadership_steps(as_of) as table
select s.person_id, s.unit_id, s.start_date, s.level::varchar as level, s.step, s.prev_step,
       rl.appointment_training_days,
from leadership_steps(date '0001-01-01', as_of::date) as s
join rule_levels as rl on rl.level = s.level;

-- training_leadership_steps_since(as_of, since): the same, only the appointments started from
-- since (DATE) to as_of; each is still judged against its preceding post, however early.
create or replace temp macro training_leadership_steps_since(as_of, since) as table
select s.person_id, s.unit_id, s.start_date, s.level::varchar as level, s.step, s.prev_step,
       rl.appointment_training_days,
from leadership_steps(since::date, as_of::date) as s
join rule_levels as rl on rl.level = s.level;
