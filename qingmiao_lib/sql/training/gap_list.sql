-- training/gap_list.sql — the people behind a cell of the coverage matrix: who owes which
-- training, by when, and how far they are from it.
-- Grain: one row per obligation (see training/obligations.sql) in the chosen rules and statuses;
--   with $per_cell, only the first $per_cell of each cell (rule, unit kind, status) in the order
--   below — the first rows of any choice of rules, unit kinds and status are among them.
-- Parameters: $as_of (DATE), $target_ids (VARCHAR[] or NULL), $rules (VARCHAR[] of 初任培训 …;
--   NULL = all; handed to training_obligations, which then computes only those rules),
--   $statuses (VARCHAR[] of 已完成/未到期/未完成; NULL = all), the slice filters $units
--   $counties (VARCHAR[]), $unit_kinds (VARCHAR[]), $cohorts (INTEGER[]) — NULL = no filter —
--   and $per_cell (INTEGER ≥ 1, or NULL for every row).
-- Columns: rule, status, person_id, name, unit_id, unit_name, unit_kind, entry_cohort, active,
--   event_date, level, window_start, due_date, days_overdue (missing), days_left (pending),
--   need_days, need_hours, have_days, have_hours, shortfall_days, shortfall_hours (0 when covered;
--   NULL where the rule sets no such minimum). rule, status, unit_kind and level leave as enums:
--   Arrow hands them over as small dictionaries, not one string per row (training._frame makes
--   the same pandas strings), and the sort carries one byte each. window_start and due_date
--   leave as DATE (a month added to a date is a TIMESTAMP; as a sort key it costs twice a DATE).
with
obligations as not materialized (
    -- the slice's obligations: the macro computes only its persons' (their unit is found there)
    select o.*
    from training_obligations($as_of::date, $target_ids::varchar[], rules := $rules::varchar[],
                              units := $units::varchar[], counties := $counties::varchar[],
                              unit_kinds := $unit_kinds::varchar[], cohorts := $cohorts::integer[]) as o
    where $statuses::varchar[] is null or list_contains($statuses::varchar[], o.status)
),
heads as (
    -- with $per_cell: the first $per_cell rows of each cell (rule, unit kind, status) in the
    -- list's order below (no_unit: a row without a unit after the others, as NULLS LAST), kept
    -- per cell as the rows stream past; a window numbering the rows sorted the whole list, and
    -- the query took 2.5 times as long at a million obligations
    select unnest(min_by(o, {'due_date': o.due_date, 'no_unit': o.unit_id is null,
                             'unit_id': o.unit_id, 'person_id': o.person_id},
                         coalesce($per_cell::integer, 1)), recursive := true)
    from obligations as o
    where $per_cell::integer is not null
    group by o.rule, o.unit_kind, o.status
),
listed as (
    -- one branch runs: the other's condition is false once the values are bound
    select * from obligations where $per_cell::integer is null
    union all by name
    select * from heads
),
final as (
    select
        o.rule::training_kind as rule, o.status::enum ('已完成', '未到期', '未完成') as status,
        o.person_id, o.name, o.unit_id, u.name as unit_name, o.unit_kind::unit_kind as unit_kind,
        o.entry_cohort, o.active, o.event_date, o.level::post_level as level,
        o.window_start::date as window_start, o.due_date::date as due_date,
        training_days_overdue(o.status, o.due_date, $as_of::date) as days_overdue,
        training_days_left(o.status, o.due_date, $as_of::date) as days_left,
        o.need_days, o.need_hours, o.have_days, o.have_hours,
        training_shortfall(o.status, o.need_days, o.have_days) as shortfall_days,
        training_shortfall(o.status, o.need_hours, o.have_hours) as shortfall_hours,
    from listed as o
    left join units as u on u.unit_id = o.unit_id
)
select * from final
order by
    case rule when '初任培训' then 1 when '任职培训' then 2 when '专门业务培训' then 3 else 4 end,
    case status when '未完成' then 1 when '未到期' then 2 else 3 end,
    due_date, unit_id, person_id;
