-- training/obligations_stored.sql — training_obligations_stored(as_of, target_ids, rules := NULL,
-- units := NULL, counties := NULL, unit_kinds := NULL, cohorts := NULL): the stored counterpart
-- of training_obligations_live (training/obligations.sql), reading the table
-- obligation_snapshots (snapshots/obligations.sql): the same rows, for an as_of the table holds
-- and no target group (target_ids NULL: the table holds no 专门业务培训 row, which only a named
-- group has — the caller reads the live computation when one is named). Installed by the query
-- layer once the table exists (a macro is bound when created) and called through the name
-- training/use_obligations_stored.sql points at it.
-- The stored rows are each obligation placed as the live computation places it (the unit on
-- as_of, else the latest post's), so the slice is the live one's filter on those columns
-- (training_in_slice), and rules keeps only the rules named.
-- Grain, parameters and columns: those of training_obligations_live.
create or replace temp macro training_obligations_stored(as_of, target_ids, rules := null,
                                                         units := null, counties := null,
                                                         unit_kinds := null,
                                                         cohorts := null) as table
select
    o.rule, o.person_id, o.name, o.unit_id, o.unit_kind, o.entry_cohort, o.active, o.event_date,
    o.level, o.window_start, o.due_date, o.need_days, o.need_hours, o.have_days, o.have_hours,
    o.status,
from obligation_snapshots as o
where o.snapshot_date = as_of::date
  and (rules::varchar[] is null or list_contains(rules::varchar[], o.rule))
  and training_in_slice(o.person_id, o.unit_id, o.unit_kind, o.entry_cohort,
                        units, counties, unit_kinds, cohorts);
