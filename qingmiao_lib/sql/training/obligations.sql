-- training/obligations.sql — training_obligations(as_of, target_ids, rules := NULL, units := NULL,
-- counties := NULL, unit_kinds := NULL, cohorts := NULL): every training obligation of the four
-- rules (SPEC §5 "Training") that is live in the year of as_of, with its status.
-- Grain: one row per obligation — (初任培训, recruit), (任职培训, leadership appointment),
--   (专门业务培训, person of the target group), (在职培训, person active all year).
-- Parameters: as_of (DATE; its calendar year Y is the reporting year), target_ids (VARCHAR[] of
--   person_id: the analyst's 专门业务培训 target group; NULL = none named, no such rows), rules
--   (VARCHAR[] of rule names, NULL = all: a rule left out is not computed at all — its inputs are
--   filtered to nothing in their scans — so a caller wanting one rule skips the others' work),
--   units, counties, unit_kinds (VARCHAR[]), cohorts (INTEGER[]): the slice (training/in_slice.sql,
--   each NULL = no filter) — only the obligations of the persons inside it, by the unit they are
--   placed in below: the rows of the whole jurisdiction that training_in_slice keeps, with the
--   per-person work (in-service credit, the unit lookup) done for the slice's persons only.
-- Columns: rule, person_id, name, unit_id, unit_kind, entry_cohort, active, event_date (entry,
--   appointment start, or 1 January of Y), level (appointments), window_start, due_date,
--   need_days, need_hours, have_days, have_hours, status ('已完成' covered | '未到期' pending |
--   '未完成' missing).
-- Defined here as training_obligations_live, computed from the records; training_obligations is
-- the name the analyses call: it reads this live computation, or, on a date the stored table
-- obligation_snapshots holds while it is current and no target group is named,
-- training_obligations_stored (training/obligations_stored.sql) — the query layer points it
-- (training/use_obligations_live.sql, training/use_obligations_stored.sql; training.coverage
-- decides).
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
-- training_in_service_owed(entry_date, exit_date, y0, year_end): does a person owe 在职培训 in
-- the year from y0 (its 1 January) to year_end (its last day counted: as_of, or the year_end
-- itself)? Active all year: entered on or before 1 January, not left by that last day.
create or replace temp macro training_in_service_owed(entry_date, exit_date, y0, year_end) as (
    entry_date <= y0 and (exit_date is null or exit_date > year_end)
);

-- training_in_service_met(hours, days): do a year's credited courses (学时, days) cover
-- 在职培训 (training.in_service_min_hours 学时 or training.in_service_min_days days)?
create or replace temp macro training_in_service_met(hours, days) as (
    hours >= rule_num('training.in_service_min_hours')
    or days >= rule_num('training.in_service_min_days')
);

-- training_status(met, due_date, as_of): an obligation's status on as_of — covered (已完成),
-- else pending (未到期) while due after as_of, else missing (未完成; due on as_of included).
create or replace temp macro training_status(met, due_date, as_of) as (
    case when met then '已完成' when due_date > as_of then '未到期' else '未完成' end
);

-- training_days_overdue(status, due_date, as_of), training_days_left(status, due_date, as_of):
-- the days an obligation is overdue on as_of (a missing one) or has left (a pending one), NULL
-- otherwise — the gap list's and the 在职培训 list's columns.
create or replace temp macro training_days_overdue(status, due_date, as_of) as (
    case when status = '未完成' then date_diff('day', due_date, as_of) end
);
create or replace temp macro training_days_left(status, due_date, as_of) as (
    case when status = '未到期' then date_diff('day', as_of, due_date) end
);

-- training_shortfall(status, need, have): what is still owed of a minimum (days or 学时): NULL
-- when the rule sets no such minimum, 0 when covered, else need − have (never below 0).
create or replace temp macro training_shortfall(status, need, have) as (
    case when need is null then null when status = '已完成' then 0 else greatest(need - have, 0) end
);

-- training_in_service_rows(as_of, units, counties, unit_kinds, cohorts): the persons who owe
-- 在职培训 in the year of as_of (training_in_service_owed, with as_of as the last day), each placed
-- in the unit of their main post on as_of, else of the latest post started by then
-- (training_last_unit), inside the slice (training_in_slice; each filter NULL for none), with
-- the year's credited courses (training_year_courses) and their status on as_of — what the
-- 在职培训 list (training/in_service.sql) and its hours (training/in_service_hours.sql) read.
-- Grain: one row per such person. Columns: person_id, name, unit_id, unit_kind, entry_cohort,
--   active, status (已完成 / 未到期 / 未完成), have_days, have_hours.
create or replace temp macro training_in_service_rows(as_of, units, counties, unit_kinds,
                                                      cohorts) as table
with
people as materialized (
    -- read twice (the rows, and those without a unit): materialized, so that on a date not
    -- stored the live base layer is computed once
    select person_id, name, unit_id, unit_kind, entry_cohort, active
    from person_snapshot_at(as_of::date)
    where training_in_service_owed(entry_date, exit_date, make_date(year(as_of::date), 1, 1),
                                   as_of::date)
),
last_unit as (
    select * from training_last_unit(
        as_of::date, (select list(person_id) from people where unit_id is null)
    )
),
placed as (
    select p.person_id, p.name, coalesce(p.unit_id, lu.unit_id) as unit_id,
           coalesce(p.unit_kind, lu.unit_kind) as unit_kind, p.entry_cohort, p.active
    from people as p
    left join last_unit as lu on p.unit_id is null and lu.person_id = p.person_id
    where training_in_slice(p.person_id, coalesce(p.unit_id, lu.unit_id),
                            coalesce(p.unit_kind, lu.unit_kind),
                            p.entry_cohort, units, counties, unit_kinds, cohorts)
)
select
    p.*,
    training_status(training_in_service_met(coalesce(y.hours, 0), coalesce(y.days, 0)),
                    year_end(year(as_of::date)), as_of::date) as status,
    coalesce(y.days, 0) as have_days, coalesce(y.hours, 0) as have_hours,
from placed as p
left join training_year_courses(as_of::date) as y using (person_id);

-- training_recruit_channels(): the entry channels that make a recruit — the rule list
-- training.recruit_channels when the rules have one, else 考试录用 and 选调生.
create or replace temp macro training_recruit_channels() as table
    select value from rule_lists where name = 'training.recruit_channels'
    union all
    select unnest(['考试录用', '选调生'])
    where not exists (select 1 from rule_lists where name = 'training.recruit_channels');

create or replace temp macro training_obligations_live(as_of, target_ids, rules := null,
                                                       units := null, counties := null,
                                                       unit_kinds := null, cohorts := null) as table
with
snapshot as materialized (
    -- the persons on as_of (person_snapshot); read by initial, and by snap with the slice
    select person_id, name, entry_channel, entry_date, exit_date, entry_cohort, active, unit_id,
           unit_kind::varchar as unit_kind,
    from person_snapshot(as_of::date)
    where entry_date <= as_of::date
),
snap as not materialized (
    -- those who may fall in the slice: with a unit that day inside it, or without one (placed
    -- below by their latest post, then sliced); read by appointment, unplaced and people
    select *
    from snapshot
    where training_in_slice(person_id, unit_id, unit_kind, entry_cohort,
                            null, counties, null, cohorts)
      and (unit_id is null
           or training_in_slice(person_id, unit_id, unit_kind, entry_cohort,
                                units, null, unit_kinds, null))
      -- with units named, one without a unit that day needs a post in one of them ever
      and (units::varchar[] is null or unit_id is not null
           or person_id in (select person_id from posts
                            where list_contains(units::varchar[], unit_id)))
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
          and (rules::varchar[] is null or list_has_any(rules::varchar[], ['初任培训', '任职培训']))
    ) as t
),
recruit_channels as (
    select value from training_recruit_channels()
),
initial as (
    select
        '初任培训' as rule, p.person_id, p.entry_date as event_date, null::varchar as level,
        p.entry_date as window_start,
        p.entry_date + to_months(rule_num('training.initial_deadline_months')::integer) as due_date,
        rule_num('training.initial_min_days') as need_days, null::double as need_hours,
    -- from the whole snapshot, sliced where events meets people: a consumer of snapshot that
    -- reads it unfiltered keeps DuckDB from pushing the slice filter into the CTE — pushed
    -- there, it reached person_snapshot's live branch, which then read every person even on a
    -- stored date (~0.5 s at a million)
    from snapshot as p
    where p.entry_channel::varchar in (select value from recruit_channels)
      and (rules::varchar[] is null or list_contains(rules::varchar[], '初任培训'))
      -- due in Y or later (the final filter), checked early
      and p.entry_date + to_months(rule_num('training.initial_deadline_months')::integer)
          >= make_date(year(as_of::date), 1, 1)
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
    -- (none at all when the rule is not wanted: a span starting after as_of)
    from training_leadership_steps_since(
        as_of::date,
        case
            when rules::varchar[] is null or list_contains(rules::varchar[], '任职培训') then
                (make_date(year(as_of::date), 1, 1)
                    - to_months(rule_num('training.appointment_window_after_months')::integer))::date
            else as_of::date + 1
        end
    )
    -- of the persons who may be in the slice (the others' rows would meet no person in events):
    -- DuckDB carries the persons into the post scans of the step lookup, so a slice reads few
    -- posts, and even the whole jurisdiction matches ~70,000 post pairs there, not ~500,000
    where person_id in (select person_id from snap)
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
dated as (
    -- the dated obligations (few)
    select *, have_days >= need_days as met from initial_done
    union all by name
    select *, have_days >= need_days as met from appointment_done
),
unplaced as (
    -- the persons without a unit that day (mostly the departed) who may have an obligation: a
    -- dated one, or 在职培训 / 专门业务培训 (active persons): the few the unit lookup is for
    select s.*
    from snap as s
    where s.unit_id is null
      and (s.active
           or training_in_service_owed(s.entry_date, s.exit_date, make_date(year(as_of::date), 1, 1),
                                       as_of::date)
           or s.person_id in (select person_id from dated))
),
last_unit as (
    -- as training_people: without a main post on as_of, the unit of the latest post started by then
    select * from training_last_unit(as_of::date, (select list(person_id) from unplaced))
),
people as not materialized (
    -- the persons of the slice, each in a unit: that of the day, else the latest post's, the
    -- slice applied to the latter here (to the former in snap). Not materialized: each reader
    -- rescans snap (cheap) rather than all of it being copied once more
    select person_id, name, entry_date, exit_date, entry_cohort, active, unit_id, unit_kind,
    from snap
    where unit_id is not null
    union all
    select u.person_id, u.name, u.entry_date, u.exit_date, u.entry_cohort, u.active,
           lu.unit_id, lu.unit_kind::varchar as unit_kind,
    from unplaced as u
    left join last_unit as lu using (person_id)
    where training_in_slice(u.person_id, lu.unit_id, lu.unit_kind, u.entry_cohort,
                            units, counties, unit_kinds, cohorts)
),
year_courses as (
    -- credited courses of any kind starting from 1 January Y to as_of, per person
    select * from training_year_courses(as_of::date)
),
in_service as (
    select
        '在职培训' as rule, p.person_id, make_date(year(as_of::date), 1, 1) as event_date,
        null::varchar as level,
        make_date(year(as_of::date), 1, 1) as window_start, year_end(year(as_of::date)) as due_date,
        rule_num('training.in_service_min_days') as need_days,
        rule_num('training.in_service_min_hours') as need_hours,
        coalesce(y.days, 0) as have_days, coalesce(y.hours, 0) as have_hours,
        p.name, p.unit_id, p.unit_kind, p.entry_cohort, p.active, p.exit_date,
    from people as p
    left join year_courses as y using (person_id)
    where training_in_service_owed(p.entry_date, p.exit_date, make_date(year(as_of::date), 1, 1),
                                   as_of::date)
      and (rules::varchar[] is null or list_contains(rules::varchar[], '在职培训'))
),
specialised as (
    select
        '专门业务培训' as rule, p.person_id, make_date(year(as_of::date), 1, 1) as event_date,
        null::varchar as level,
        make_date(year(as_of::date), 1, 1) as window_start, year_end(year(as_of::date)) as due_date,
        null::double as need_days, null::double as need_hours,
        coalesce(y.specialised_days, 0) as have_days,
        coalesce(y.specialised_hours, 0) as have_hours,
        p.name, p.unit_id, p.unit_kind, p.entry_cohort, p.active, p.exit_date,
    from people as p
    left join year_courses as y using (person_id)
    where p.active and list_contains(target_ids::varchar[], p.person_id)
      and (rules::varchar[] is null or list_contains(rules::varchar[], '专门业务培训'))
),
events as (
    -- the dated obligations with their person's columns
    select o.*, p.name, p.unit_id, p.unit_kind, p.entry_cohort, p.active, p.exit_date,
    from dated as o
    join people as p using (person_id)
),
kept as (
    select o.*
    from (
        select * from events
        union all by name
        select *, training_in_service_met(have_hours, have_days) as met from in_service
        union all by name
        select *, have_days > 0 as met from specialised
    ) as o
    where o.due_date >= make_date(year(as_of::date), 1, 1)
      and (o.met or o.exit_date is null or o.exit_date > o.due_date or o.exit_date > as_of::date)
),
final as (
    select
        o.rule, o.person_id, o.name, o.unit_id, o.unit_kind, o.entry_cohort, o.active,
        o.event_date, o.level, o.window_start, o.due_date,
        o.need_days, o.need_hours, o.have_days, o.have_hours,
        training_status(o.met, o.due_date, as_of::date) as status,
    from kept as o
)
select * from final;

-- training_obligations_years_live(first_year, last_year, target_ids): training_obligations on 31
-- December (year_end) of every year from first_year to last_year in one pass — the coverage
-- trend — with only what a count by rule and slice needs.
-- Grain: one row per (year, obligation), as training_obligations(year_end(year), target_ids).
-- Parameters: first_year, last_year (INTEGER), target_ids (as training_obligations), placed
--   (BOOLEAN, default true: false leaves unit_id and unit_kind NULL and reads no unit at all —
--   for a caller not slicing by unit), units, unit_kinds (VARCHAR[], default NULL: with placed,
--   only the persons of that slice on a year_end, and those with no unit that day, are read —
--   a prefilter: the caller still filters by the obligation's unit).
-- Columns: year, as_of (the year's year_end), rule, person_id, unit_id, unit_kind,
--   entry_cohort, due_date, status, n (1; unplaced, the 在职培训 obligations come as one row per
--   cohort and status with person_id NULL and n persons).
-- Method: the same definitions as training_obligations, each year's persons read from the stored
--   base layer (table snapshots) of its year_end — the caller (training.coverage) runs this only when
--   every one of those dates is stored; the in-service credit per (year, person) comes from
--   training_year_courses_span (training/year_courses.sql; it reads training_years while stored);
--   the dated rules' courses and leadership steps are read once for the whole span.
create or replace temp macro training_obligations_years_live(first_year, last_year, target_ids,
                                                           placed := true, units := null,
                                                           unit_kinds := null) as table
with
years as (
    select y::integer as year, make_date(y::integer, 1, 1) as y0, year_end(y::integer) as d
    from range(first_year::integer, last_year::integer + 1) as t(y)
),
people as not materialized (
    -- each year's persons on its year_end; unplaced, only what does not change with the date
    -- (entry, exit, cohort, all stored alike on every date) is read, from the last year_end
    select y.year, y.y0, y.d, s.person_id, s.entry_date, s.exit_date, s.entry_cohort, s.active,
           s.unit_id, s.unit_kind::varchar as unit_kind,
    from snapshots as s
    join years as y on s.snapshot_date = y.d
    where placed and s.entry_date <= y.d
      -- a unit slice: only its persons that year, and those with no unit that day (placed by
      -- their latest post below); the caller's final filter decides
      and (s.unit_id is null
           or training_in_slice(s.person_id, s.unit_id, s.unit_kind, s.entry_cohort,
                                units, null, unit_kinds, null))
    union all
    select y.year, y.y0, y.d, s.person_id, s.entry_date, s.exit_date, s.entry_cohort,
           active_on(s.entry_date, s.exit_date, y.d) as active,
           null::varchar as unit_id, null::varchar as unit_kind,
    from snapshots as s
    join years as y on s.entry_date <= y.d
    where not placed and s.snapshot_date = (select max(d) from years)
),
credited as (
    select
        t.person_id, t.kind, t.start_date, t.hours::double as hours,
        training_course_days(t.mode, t.hours, t.start_date, t.end_date) as days,
    from trainings as t
    where t.passed and t.kind in ('初任培训', '任职培训')
      and t.start_date <= (select max(d) from years)
),
recruit_channels as (
    select value from training_recruit_channels()
),
recruits as (
    -- entry and channel do not change with the year: the recruits of the span, read once
    select
        p.person_id, p.entry_date,
        p.entry_date + to_months(rule_num('training.initial_deadline_months')::integer) as due_date,
    from snapshots as p
    where p.snapshot_date = (select max(d) from years)
      and p.entry_channel::varchar in (select value from recruit_channels)
      and p.entry_date <= (select max(d) from years)
      and p.entry_date + to_months(rule_num('training.initial_deadline_months')::integer)
          >= make_date(first_year::integer, 1, 1)
),
initial as (
    select
        '初任培训' as rule, y.year, y.y0, y.d, r.person_id, r.due_date,
        rule_num('training.initial_min_days') as need_days,
    from recruits as r
    join years as y on r.entry_date <= y.d and r.due_date >= y.y0
),
initial_done as (
    select i.rule, i.year, i.y0, i.d, i.person_id, i.due_date,
           coalesce(sum(c.days), 0) >= i.need_days as met,
    from initial as i
    left join credited as c
      on c.person_id = i.person_id and c.kind = '初任培训' and c.start_date <= i.due_date
     and c.start_date <= i.d
    group by i.rule, i.year, i.y0, i.d, i.person_id, i.due_date, i.need_days
),
steps as (
    -- every appointment due in first_year or later, started by the last year_end
    select
        person_id, start_date,
        start_date - to_months(rule_num('training.appointment_window_before_months')::integer)
            as window_start,
        start_date + to_months(rule_num('training.appointment_window_after_months')::integer)
            as due_date,
        appointment_training_days::double as need_days,
    from training_leadership_steps_since(
        (select max(d) from years),
        (make_date(first_year::integer, 1, 1)
            - to_months(rule_num('training.appointment_window_after_months')::integer))::date
    )
),
appointment as (
    select '任职培训' as rule, y.year, y.y0, y.d, s.*,
    from steps as s
    join years as y on s.start_date <= y.d and s.due_date >= y.y0
),
appointment_done as (
    select a.rule, a.year, a.y0, a.d, a.person_id, a.due_date,
           coalesce(sum(c.days), 0) >= a.need_days as met,
    from appointment as a
    left join credited as c
      on c.person_id = a.person_id and c.kind = '任职培训'
     and c.start_date between a.window_start and a.due_date and c.start_date <= a.d
    group by a.rule, a.year, a.y0, a.d, a.person_id, a.start_date, a.window_start, a.due_date,
             a.need_days
),
year_courses as not materialized (
    select * from training_year_courses_span(first_year::integer, last_year::integer)
),
in_service as (
    select
        '在职培训' as rule, p.year, p.y0, p.d, p.person_id, p.d as due_date,
        training_in_service_met(coalesce(y.hours, 0), coalesce(y.days, 0)) as met,
        p.unit_id, p.unit_kind, p.entry_cohort, p.exit_date,
    from people as p
    left join year_courses as y on y.year = p.year and y.person_id = p.person_id
    where placed and training_in_service_owed(p.entry_date, p.exit_date, p.y0, p.d)
),
base as not materialized (
    -- unplaced: each person once (the last year_end's row), for the in-service counts
    select person_id, entry_date, exit_date, entry_cohort
    from snapshots
    where not placed and snapshot_date = (select max(d) from years)
),
in_service_owed as (
    -- unplaced: the persons active all year, counted per (year, entry cohort). Active all year
    -- y (entry_date ≤ 1 January y, exit_date NULL or after year_end(y)) is y from first_full to
    -- last_full below; the persons are counted per (cohort, first_full, last_full) before the
    -- years are joined (a few thousand rows, not one per person and year)
    select y.year, y.y0, y.d, b.entry_cohort, sum(b.n)::bigint as n,
    from (
        select
            entry_cohort,
            year(entry_date)::integer
                + (entry_date > make_date(year(entry_date), 1, 1))::integer as first_full,
            case when exit_date is null then 9999
                 else year(exit_date)::integer
                      - (exit_date <= year_end(year(exit_date)))::integer end as last_full,
            count(*) as n,
        from base
        where entry_date is not null
        group by all
    ) as b
    join years as y on y.year between b.first_full and b.last_full
    group by y.year, y.y0, y.d, b.entry_cohort
),
in_service_met as (
    -- unplaced: those of them whose credited courses of the year reach the minimum
    -- (the year's bounds from the course row itself: one join, on the person alone)
    select c.year, b.entry_cohort, count(*) as n,
    from year_courses as c
    join base as b on b.person_id = c.person_id
    where training_in_service_met(c.hours, c.days)
      and training_in_service_owed(b.entry_date, b.exit_date, make_date(c.year, 1, 1),
                                   year_end(c.year))
    group by c.year, b.entry_cohort
),
in_service_counted as (
    -- unplaced: 在职培训 as counts, due on the year_end itself, all kept (active after it)
    select o.year, o.d as as_of, '在职培训' as rule, null::varchar as person_id,
           null::varchar as unit_id, null::varchar as unit_kind, o.entry_cohort,
           o.d as due_date, s.met, if(s.met, coalesce(m.n, 0), o.n - coalesce(m.n, 0)) as n,
    from in_service_owed as o
    cross join (values (true), (false)) as s(met)
    left join in_service_met as m on m.year = o.year and m.entry_cohort is not distinct from o.entry_cohort
),
specialised as (
    select
        '专门业务培训' as rule, p.year, p.y0, p.d, p.person_id, p.d as due_date,
        coalesce(y.specialised_days, 0) > 0 as met,
        p.unit_id, p.unit_kind, p.entry_cohort, p.exit_date,
    from people as p
    left join year_courses as y on y.year = p.year and y.person_id = p.person_id
    where p.active and list_contains(target_ids::varchar[], p.person_id)
),
dated as (
    select * from initial_done
    union all by name
    select * from appointment_done
),
events as (
    -- the dated obligations with their person's columns (unplaced: from the last year_end, once
    -- per person rather than once per person and year)
    select o.*, p.unit_id, p.unit_kind, p.entry_cohort, p.exit_date,
    from dated as o
    join people as p on p.year = o.year and p.person_id = o.person_id
    where placed
    union all by name
    select o.*, null::varchar as unit_id, null::varchar as unit_kind, s.entry_cohort, s.exit_date,
    from dated as o
    join snapshots as s on s.person_id = o.person_id and s.entry_date <= o.d
    where not placed and s.snapshot_date = (select max(d) from years)
),
kept as (
    select o.*
    from (
        select * from events
        union all by name
        select * from in_service
        union all by name
        select * from specialised
    ) as o
    where o.due_date >= o.y0
      and (o.met or o.exit_date is null or o.exit_date > o.due_date or o.exit_date > o.d)
),
last_unit as (
    -- as training_last_unit (training/people.sql), on each year_end
    select l.year, l.person_id, l.unit_id, u.kind::varchar as unit_kind
    from (
        select k.year, k.person_id,
               max({'start_date': p.start_date, 'unit_id': p.unit_id}).unit_id as unit_id
        from (select distinct year, d, person_id from kept where placed and unit_id is null) as k
        join posts as p on p.person_id = k.person_id and p.start_date <= k.d
        group by k.year, k.person_id
    ) as l
    left join units as u on u.unit_id = l.unit_id
),
final as (
    select
        o.year, o.d as as_of, o.rule, o.person_id, coalesce(o.unit_id, lu.unit_id) as unit_id,
        coalesce(o.unit_kind, lu.unit_kind) as unit_kind, o.entry_cohort, o.due_date,
        training_status(o.met, o.due_date, o.d) as status,
        1::bigint as n,
    from kept as o
    left join last_unit as lu
      on o.unit_id is null and lu.year = o.year and lu.person_id = o.person_id
    union all by name
    select * exclude (met), training_status(met, due_date, as_of) as status,
    from in_service_counted
    where n > 0
)
select year, as_of, rule, person_id, unit_id, unit_kind, entry_cohort, due_date, status, n
from final;

-- The names the analyses call, pointing at the live computations above until the query layer
-- points them at the stored table (training/use_obligations_stored.sql) for one query and back
-- (training/use_obligations_live.sql, the same definitions as these).
create or replace temp macro training_obligations(as_of, target_ids, rules := null, units := null,
                                                  counties := null, unit_kinds := null,
                                                  cohorts := null) as table
    select * from training_obligations_live(as_of, target_ids, rules := rules, units := units,
                                            counties := counties, unit_kinds := unit_kinds,
                                            cohorts := cohorts);
create or replace temp macro training_obligations_years(first_year, last_year, target_ids,
                                                        placed := true, units := null,
                                                        unit_kinds := null) as table
    select * from training_obligations_years_live(first_year, last_year, target_ids, placed := placed,
                                                  units := units, unit_kinds := unit_kinds);
