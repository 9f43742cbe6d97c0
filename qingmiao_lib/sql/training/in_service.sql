-- training/in_service.sql — 在职培训 per person: the persons who owe it in the year of $as_of,
-- with their credited hours and days, their status and what they still owe; the 在职培训 rows of
-- training/gap_list.sql (every status), its columns in its order, with meets third.
-- Grain: one row per person active all year (training_in_service_owed, training/obligations.sql)
--   inside the slice.
-- Parameters: $as_of (DATE), and the slice filters $units, $counties (VARCHAR[]), $unit_kinds
--   (VARCHAR[]), $cohorts (INTEGER[]) — each NULL for no filter; a person is sliced by
--   training_people's unit.
-- Columns: rule (在职培训), status (enum 未完成 < 未到期 < 已完成, as gap_list sorts them),
--   meets (covered), person_id, name, unit_id, unit_name, unit_kind (enum), entry_cohort,
--   active, event_date (1 January), level (none), window_start, due_date (year_end), days_overdue,
--   days_left, need_days, need_hours, have_days, have_hours, shortfall_days, shortfall_hours —
--   by the macros gap_list uses (training/obligations.sql). Ordered by status, unit_id (NULL
--   last), person_id: gap_list's order, whose rule and due date are the same for every row here.
-- Method: as training_obligations restricted to 在职培训 — the persons on $as_of, placed and
--   judged by training_in_service_rows (training/obligations.sql: person_snapshot_at, the stored
--   table on a stored date; the unit of the latest post started by $as_of for the few without a
--   main post that day, as training_people; the year's credited courses summed per person,
--   training_year_courses, which on 31 December reads the stored table training_years while
--   current). The rows are sorted by the unit's place in unit_id order (a
--   number: cheaper to compare than the text), found with the unit's name in one join.
-- The sort is the largest part of the time at a million rows, and it moves every column it
--   carries: it carries the person's columns only; meets, days overdue or left, the shortfalls
--   and the dates that are the same for every row are computed on the sorted rows (a plain
--   select over an ordered subquery keeps its order in DuckDB).
with
unit_order as (
    -- INTEGER: a BIGINT key made the sort ~0.1 s slower at a million rows
    select unit_id, name as unit_name, (row_number() over (order by unit_id))::integer as unit_order
    from units
),
judged as (
    select
        r.status::enum ('未完成', '未到期', '已完成') as status,
        r.person_id, r.name, r.unit_id, n.unit_name, n.unit_order,
        r.unit_kind::unit_kind as unit_kind, r.entry_cohort, r.active, r.have_days, r.have_hours,
    from training_in_service_rows($as_of::date, $units, $counties, $unit_kinds, $cohorts) as r
    left join unit_order as n on n.unit_id = r.unit_id
),
sorted as (
    select j.*, year_end(year($as_of::date))::date as due_date,
           rule_num('training.in_service_min_days') as need_days,
           rule_num('training.in_service_min_hours') as need_hours,
    from judged as j
    order by j.status, j.unit_order, j.person_id
),
final as (
    select
        '在职培训'::training_kind as rule, status, status = '已完成' as meets, person_id, name,
        unit_id, unit_name, unit_kind, entry_cohort, active,
        make_date(year($as_of::date), 1, 1) as event_date, null::post_level as level,
        make_date(year($as_of::date), 1, 1) as window_start, due_date,
        training_days_overdue(status::varchar, due_date, $as_of::date) as days_overdue,
        training_days_left(status::varchar, due_date, $as_of::date) as days_left,
        need_days, need_hours, have_days, have_hours,
        training_shortfall(status::varchar, need_days, have_days) as shortfall_days,
        training_shortfall(status::varchar, need_hours, have_hours) as shortfall_hours,
    from sorted
)
select * from final;
