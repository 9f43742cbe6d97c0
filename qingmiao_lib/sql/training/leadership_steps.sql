-- training/leadership_steps.sql — training_leadership_steps(as_of): leadership appointments, i.e.
-- posts whose level is above the level of the person's preceding post (the F7 definition in
-- figures/headline.sql: the preceding post is the latest one started before it, the highest
-- level among those started that day; a first-ever post is no appointment).
-- Grain: one row per appointment (post) started on or before as_of.
-- Parameters: as_of (DATE).
-- Columns: person_id, unit_id, start_date, level, step, prev_step, appointment_training_days.
create or replace temp macro training_leadership_steps(as_of) as table
with
steps as (
    select p.person_id, p.unit_id, p.start_date, p.level::varchar as level, rl.step,
           rl.appointment_training_days,
           max({'start_date': p.start_date, 'step': rl.step}) over (
               partition by p.person_id order by p.start_date
               range between unbounded preceding and interval 1 day preceding
           ).step as prev_step,
    from posts as p
    join rule_levels as rl on rl.level = p.level
    where p.start_date <= as_of::date
)
select * from steps
where step > 0 and step > prev_step;

-- training_leadership_steps_since(as_of, since): the same, only the appointments started from
-- since (DATE) to as_of — the window runs over the whole post history of just the persons with
-- a post started in that span, so each step is judged against the same preceding post.
create or replace temp macro training_leadership_steps_since(as_of, since) as table
with
recent as (
    select distinct person_id
    from posts
    where start_date between since::date and as_of::date
),
steps as (
    select p.person_id, p.unit_id, p.start_date, p.level::varchar as level, rl.step,
           rl.appointment_training_days,
           max({'start_date': p.start_date, 'step': rl.step}) over (
               partition by p.person_id order by p.start_date
               range between unbounded preceding and interval 1 day preceding
           ).step as prev_step,
    from posts as p
    semi join recent using (person_id)
    join rule_levels as rl on rl.level = p.level
    where p.start_date <= as_of::date
)
select * from steps
where step > 0 and step > prev_step and start_date >= since::date;
