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

-- training_obligations_years_stored(first_year, last_year, target_ids, placed := true,
-- units := NULL, unit_kinds := NULL): the stored counterpart of training_obligations_years_live
-- (training/obligations.sql), reading obligation_snapshots on the year_end of every year of the
-- span: for a span whose every year_end the table holds and no target group (training.coverage
-- decides). Each stored obligation is one row (n = 1) placed as on its date; placed := false
-- leaves unit_id and unit_kind NULL as the live computation does; units and unit_kinds, a
-- prefilter there, are left to the caller's filter here (every row is placed).
-- Grain: one row per (year, obligation) — where the live computation, unplaced, gives the
--   在职培训 obligations as counts (person_id NULL, n persons per cohort and status), these are
--   one row each: the sums of n by year, rule, status, due date and cohort are the same.
-- Columns: those of training_obligations_years_live.
create or replace temp macro training_obligations_years_stored(first_year, last_year, target_ids,
                                                               placed := true, units := null,
                                                               unit_kinds := null) as table
select
    y.year, o.snapshot_date as as_of, o.rule, o.person_id,
    case when placed then o.unit_id end as unit_id,
    case when placed then o.unit_kind::varchar end as unit_kind,
    o.entry_cohort, o.due_date, o.status, 1::bigint as n,
from (select y::integer as year, year_end(y::integer) as d
      from range(first_year::integer, last_year::integer + 1) as t(y)) as y
join obligation_snapshots as o on o.snapshot_date = y.d;
