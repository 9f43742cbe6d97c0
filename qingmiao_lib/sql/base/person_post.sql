-- person_post(as_of) — each person's main post on a date: a person may hold several posts at
-- once; the main one is the highest level, then the latest, then (a tie on both) the greatest
-- unit_id (max of a struct compares field by field).
-- Grain: one row per person with a posts row covering as_of.
-- Parameters: as_of (DATE); enabled (BOOLEAN, default true: false reads no rows — see
--   person_snapshot).
-- Columns: person_id, unit_id, unit_kind, level, level_step (无 = 0), level_start, level_months.
create or replace temp macro person_post(as_of, enabled := true) as table
select g.person_id, g.s.unit_id as unit_id, u.kind as unit_kind, g.s.level as level,
       g.s.level_step as level_step, g.s.level_start as level_start,
       full_months(g.s.level_start, as_of) as level_months,
from (
    select p.person_id,
           max({'level_step': rl.step, 'level_start': p.start_date, 'unit_id': p.unit_id,
                'level': p.level}) as s,
    from posts as p
    join rule_levels as rl on rl.level = p.level
    where enabled and covers(p.start_date, p.end_date, as_of)
    group by p.person_id
) as g
left join units as u on u.unit_id = g.s.unit_id;
