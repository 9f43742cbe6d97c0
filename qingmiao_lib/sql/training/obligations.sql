-- training/obligations.sql — training_obligations(as_of, target_ids): every training obligation
-- of the four rules (SPEC §5 "Training") that is live in the year of as_of, with its status.
-- Grain: one row per obligation — (初任培训, recruit), (任职培训, leadership appointment),
--   (专门业务培训, person of the target group), (在职培训, person active all year).
-- Parameters: as_of (DATE; its calendar year Y is the reporting year), target_ids (VARCHAR[] of
--   person_id: the analyst's 专门业务培训 target group; NULL = none named, no such rows).
-- Columns: rule, person_id, name, unit_id, unit_kind, entry_cohort, active, event_date (entry,
--   appointment start, or 1 January of Y), level (appointments), window_start, due_date,
--   need_days, need_hours, have_days, have_hours, status ('已完成' covered | '未到期' pending |
--   '未完成' missing).
-- Definitions (rules file [training], rule_levels):
--   credited course = passed (passed = true) and starting on or before as_of; its length in days
--     is end_date − start_date + 1 for a class, hours / training.hours_per_day for a course in a
--     non-class mode (training.non_class_modes, 网络: its dates span a self-study period).
--   recruit = entry_channel in rule list training.recruit_channels when the rules have one, else
--     考试录用 or 选调生 (the others come with prior service; NULL channel = not a recruit).
--   初任培训: due = entry_date + training.initial_deadline_months; covered when the credited
--     初任培训 courses starting on or before the due date last ≥ training.initial_min_days days.
--   任职培训: a leadership appointment = a post whose level is above that of the person's preceding
--     post (as F7; training/leadership_steps.sql); window from start − appointment_window_before_months to due = start +
--     appointment_window_after_months; covered when credited 任职培训 courses starting in the
--     window last ≥ rule_levels.appointment_training_days days.
--   在职培训: persons active all year (entry_date ≤ 1 Jan Y, exit_date > as_of); due = 31 Dec Y;
--     covered when credited courses of any kind starting in Y reach training.in_service_min_hours
--     学时 or training.in_service_min_days days.
--   专门业务培训: target persons active on as_of; due = 31 Dec Y; covered by one credited
--     专门业务培训 starting in Y.
--   status: covered (已完成); else pending (未到期) when due_date > as_of; else missing (未完成),
--     a due date on as_of itself included (a course starting that day would already count).
--     Obligations due before
--     1 January Y are out of the year; so is one whose person left on or before the due date
--     without being covered (neither pending nor missing).
create or replace temp macro training_obligations(as_of, target_ids) as table
with
params as (
    select
        as_of::date as d,
        make_date(year(as_of::date), 1, 1) as y0,
        year_end(year(as_of::date)) as y1,
),
people as (
    -- training_people(as_of) without its unit fallback, which is applied at the end (final) to
    -- the few obligations of persons without a unit that day rather than to every departed person
    select person_id, name, entry_channel, entry_date, exit_date, entry_cohort, active, unit_id,
           unit_kind::varchar as unit_kind,
    from person_snapshot(as_of::date)
    where entry_date <= as_of::date
),
credited as (
    -- only what the dated rules below read, filtered in the scan (the table holds every year's
    -- courses): 初任培训 and 任职培训 of any year; the year's credit of every kind (在职培训,
    -- 专门业务培训) comes summed per person from training_year_courses (training/year_courses.sql)
    select
        t.person_id, t.kind, t.start_date, t.hours::double as hours,
        training_course_days(t.mode, t.hours, t.start_date, t.end_date) as days,
    from (
        select person_id, kind, start_date, end_date, hours, mode
        from trainings
        where passed and start_date <= as_of::date and kind in ('初任培训', '任职培训')
    ) as t
),
recruit_channels as (
    select value from rule_lists where name = 'training.recruit_channels'
    union all
    select unnest(['考试录用', '选调生'])
    where not exists (select 1 from rule_lists where name = 'training.recruit_channels')
),
initial as (
    select
        '初任培训' as rule, p.person_id, p.entry_date as event_date, null::varchar as level,
        p.entry_date as window_start,
        p.entry_date + to_months(rule_num('training.initial_deadline_months')::integer) as due_date,
        rule_num('training.initial_min_days') as need_days, null::double as need_hours,
    from people as p, params
    where p.entry_channel::varchar in (select value from recruit_channels)
      -- due in Y or later (the final filter), checked early
      and p.entry_date + to_months(rule_num('training.initial_deadline_months')::integer)
          >= params.y0
),
initial_done as (
    select i.*,
           coalesce(sum(c.days), 0) as have_days, coalesce(sum(c.hours), 0) as have_hours,
    from initial as i
    left join credited as c
      on c.person_id = i.person_id and c.kind = '初任培训' and c.start_date <= i.due_date
    group by all
),
appointment as (
    select
        '任职培训' as rule, person_id, start_date as event_date, level::varchar as level,
        start_date - to_months(rule_num('training.appointment_window_before_months')::integer)
            as window_start,
        start_date + to_months(rule_num('training.appointment_window_after_months')::integer)
            as due_date,
        appointment_training_days::double as need_days, null::double as need_hours,
    -- only appointments due in Y or later (the final filter): started from y0 − the window after
    from training_leadership_steps_since(
        as_of::date,
        (make_date(year(as_of::date), 1, 1)
            - to_months(rule_num('training.appointment_window_after_months')::integer))::date
    )
),
appointment_done as (
    select a.*,
           coalesce(sum(c.days), 0) as have_days, coalesce(sum(c.hours), 0) as have_hours,
    from appointment as a
    left join credited as c
      on c.person_id = a.person_id and c.kind = '任职培训'
     and c.start_date between a.window_start and a.due_date
    group by all
),
year_courses as (
    -- credited courses of any kind starting from 1 January Y to as_of, per person
    select * from training_year_courses(as_of::date)
),
in_service as (
    select
        '在职培训' as rule, p.person_id, params.y0 as event_date, null::varchar as level,
        params.y0 as window_start, params.y1 as due_date,
        rule_num('training.in_service_min_days') as need_days,
        rule_num('training.in_service_min_hours') as need_hours,
        coalesce(y.days, 0) as have_days, coalesce(y.hours, 0) as have_hours,
        p.name, p.unit_id, p.unit_kind, p.entry_cohort, p.active, p.exit_date,
    from people as p
    cross join params
    left join year_courses as y using (person_id)
    where p.entry_date <= params.y0 and (p.exit_date is null or p.exit_date > params.d)
),
specialised as (
    select
        '专门业务培训' as rule, p.person_id, params.y0 as event_date, null::varchar as level,
        params.y0 as window_start, params.y1 as due_date,
        null::double as need_days, null::double as need_hours,
        coalesce(y.specialised_days, 0) as have_days,
        coalesce(y.specialised_hours, 0) as have_hours,
        p.name, p.unit_id, p.unit_kind, p.entry_cohort, p.active, p.exit_date,
    from people as p
    cross join params
    left join year_courses as y using (person_id)
    where p.active and list_contains(target_ids::varchar[], p.person_id)
),
events as (
    -- the dated obligations (few), with their person's columns
    select o.*, p.name, p.unit_id, p.unit_kind, p.entry_cohort, p.active, p.exit_date,
    from (
        select *, have_days >= need_days as met from initial_done
        union all by name
        select *, have_days >= need_days as met from appointment_done
    ) as o
    join people as p using (person_id)
),
all_obligations as (
    select * from events
    union all by name
    select *, have_hours >= need_hours or have_days >= need_days as met from in_service
    union all by name
    select *, have_days > 0 as met from specialised
),
kept as (
    select o.*
    from all_obligations as o, params
    where o.due_date >= params.y0
      and (o.met or o.exit_date is null or o.exit_date > o.due_date or o.exit_date > params.d)
),
last_unit as (
    -- as training_people: without a main post on as_of, the unit of the latest post started by then
    select l.person_id, l.unit_id, u.kind::varchar as unit_kind
    from (
        select k.person_id, arg_max(p.unit_id, p.start_date) as unit_id
        from (select distinct person_id from kept where unit_id is null) as k
        join posts as p on p.person_id = k.person_id and p.start_date <= as_of::date
        group by k.person_id
    ) as l
    left join units as u on u.unit_id = l.unit_id
),
final as (
    select
        o.rule, o.person_id, o.name, coalesce(o.unit_id, lu.unit_id) as unit_id,
        coalesce(o.unit_kind, lu.unit_kind) as unit_kind, o.entry_cohort, o.active,
        o.event_date, o.level, o.window_start, o.due_date,
        o.need_days, o.need_hours, o.have_days, o.have_hours,
        case
            when o.met then '已完成'
            when o.due_date > params.d then '未到期'
            else '未完成'
        end as status,
    from kept as o
    cross join params
    left join last_unit as lu on o.unit_id is null and lu.person_id = o.person_id
)
select * from final;
