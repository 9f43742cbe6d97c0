-- evaluation/person_age_groups.sql — the age group (eval_age_group) of each person active on a
-- date: what the evaluation dashboard selects a year's streaks of every active person by
-- (widgets/evaluation.py), where streaks.sql would filter the slice on it.
-- Grain: one row per person active on $as_of. Parameters: $as_of.
-- Columns: person_id, age_group.
select person_id, age_group,
from eval_slice($as_of::date, null, null, null, null, null)
where active;
