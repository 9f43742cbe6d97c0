-- evaluation/person_unit.sql — one person's main unit on a date (person_snapshot_at): the unit
-- whose 优秀 share evaluation.person_history shows beside the person's record.
-- Grain: one row, none for a person not in persons. Parameters: $person_id, $as_of.
-- Columns: unit_id (NULL for a person without a main unit that day).
select unit_id,
from person_snapshot_at($as_of::date)
where person_id = $person_id;
