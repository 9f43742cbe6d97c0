-- evaluation/warnings.sql — early warnings (苗头性问题, SPEC §5) on a date d = $as_of, for the
-- persons of the slice active on d. Four kinds:
--   年度考核  a grade of the last completed year, year(d) − 1, that is graded (rules
--             assessment.graded) but not one promotion accepts (promotion.last_year_grades):
--             基本称职 or 不称职;
--   平时考核  a 一般 or 较差 quarter among the last four completed quarters (a quarter is
--             complete once d is after its last day: on 2024-01-01 they are 2023 Q1–Q4);
--   监督管理  a supervision of a blocking kind (promotion.blocking_supervision: 诫勉, 组织处理,
--             处分) held on or before d with effective_until > d;
--   培训逾期  a mandatory training past due: the obligations of 初任培训 (凡进必训) and 任职培训
--             (应训必训) that training_obligations (training/obligations.sql — the one definition
--             of both rules, the one gap_list reads) gives the status 未完成 on d. So the warning
--             list and training.gap_list(rules=[初任培训, 任职培训], statuses=[missing]) name the
--             same (person, rule) pairs among the persons active on d: recruits by entry channel
--             (training.recruit_channels), due entry + training.initial_deadline_months, covered
--             by ≥ training.initial_min_days days of passed 初任培训 started by the due date;
--             leadership appointments above the preceding post's level, window start ± the
--             rules' months, covered by the level's days of passed 任职培训 started in it; due on
--             or before d (a due date on d itself included) and on or after 1 January of
--             year(d) — the obligations' reporting year, as in gap_list.
-- Grain: one row per person and kind of warning, and for 培训逾期 per rule (several quarters,
--   supervisions or overdue appointments of one person are one row; the evidence lists them all).
-- Parameters: $as_of (DATE), slice filters.
-- Columns: person_id, name, unit_id, unit_name, kind, evidence (Chinese), evidence_date (the
--   latest dated fact behind the warning: year end, quarter end, supervision date, due date),
--   rule (培训逾期: 初任培训 or 任职培训; NULL otherwise), due_date (培训逾期: the earliest
--   due date of the rule's overdue obligations; NULL otherwise).
with
people as (
    select person_id, name, unit_id, entry_date, exit_date,
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], $age_group::varchar,
                    $young::boolean, $cohorts::integer[])
    where active
),
warning_grades as materialized (
    -- the grades of the last completed year, year(d) − 1, that warn (filtered before any join)
    select g.person_id, g.year, g.grade,
    from annual_assessments as g
    where g.year = year($as_of::date) - 1
      and g.grade::varchar in (select value from rule_lists where name = 'assessment.graded')
      and g.grade::varchar not in (
          select value from rule_lists where name = 'promotion.last_year_grades')
),
annual as (
    -- valid grades (as valid_annual_grades) of the persons of the slice
    select g.person_id, '年度考核' as kind,
           printf('%d年度考核%s', g.year, g.grade) as evidence,
           year_end(g.year) as evidence_date,
    from warning_grades as g
    join people as p using (person_id)
    where p.entry_date <= make_date(g.year, 12, 31)
      and (p.exit_date is null or p.exit_date > make_date(g.year, 1, 1))
),
warning_quarters as materialized (
    -- the last four completed quarters' grades the rules name (assessment.quarter_warning_grades:
    -- 一般, 较差); the year filter reaches the scan
    select q.person_id, q.year, q.quarter, q.grade,
           q.year * 4 + q.quarter - 1 - (year($as_of::date) * 4 + (month($as_of::date) - 1) // 3 - 4)
               as slot,
    from regular_assessments as q
    where q.year between (year($as_of::date) * 4 + (month($as_of::date) - 1) // 3 - 4) // 4
                     and (year($as_of::date) * 4 + (month($as_of::date) - 1) // 3 - 1) // 4
      and q.year * 4 + q.quarter - 1
          between year($as_of::date) * 4 + (month($as_of::date) - 1) // 3 - 4
              and year($as_of::date) * 4 + (month($as_of::date) - 1) // 3 - 1
      and q.grade::varchar in (
          select value from rule_lists where name = 'assessment.quarter_warning_grades')
),
quarterly as (
    -- valid grades (as valid_quarter_grades) of the persons of the slice
    select q.person_id, '平时考核' as kind,
           -- in quarter order: one slot per quarter of the four (no ordered aggregate)
           concat_ws('；',
               max(printf('%d年第%d季度%s', q.year, q.quarter, q.grade)) filter (where q.slot = 0),
               max(printf('%d年第%d季度%s', q.year, q.quarter, q.grade)) filter (where q.slot = 1),
               max(printf('%d年第%d季度%s', q.year, q.quarter, q.grade)) filter (where q.slot = 2),
               max(printf('%d年第%d季度%s', q.year, q.quarter, q.grade)) filter (where q.slot = 3))
               as evidence,
           max(make_date(q.year, q.quarter * 3, 1) + interval 1 month - interval 1 day)::date
               as evidence_date,
    from warning_quarters as q
    join people as p using (person_id)
    where p.entry_date <= make_date(q.year, 12, 31)
      and (p.exit_date is null or p.exit_date > make_date(q.year, 1, 1))
    group by q.person_id
),
supervised as (
    select s.person_id, '监督管理' as kind,
           string_agg(printf('%s %s（影响期至 %s）', s.held_on, s.kind, s.effective_until), '；'
                      order by s.held_on) as evidence,
           max(s.held_on) as evidence_date,
    from supervision as s
    where s.held_on <= $as_of::date and s.effective_until > $as_of::date
      and s.kind::varchar in (
          select value from rule_lists where name = 'promotion.blocking_supervision')
    group by s.person_id
),
overdue as materialized (
    -- the missing obligations of the two dated rules (the others are not computed at all), of
    -- the persons of the slice active on d
    select o.person_id, o.rule, o.event_date::date as event_date, o.level,
           o.due_date::date as due_date, o.have_days, o.need_days,
    from training_obligations($as_of::date, null::varchar[],
                              rules := ['初任培训', '任职培训']) as o
    where o.status = '未完成' and o.active
      and o.person_id in (select person_id from people)
),
late as (
    -- the first passed course of the rule's kind started after the due date, by d: evidence
    -- only (a late course does not cover the obligation)
    select o.person_id, o.rule, o.due_date, min(t.start_date) as late_start,
    from overdue as o
    join trainings as t
      on t.person_id = o.person_id and t.kind::varchar = o.rule and t.passed
     and t.start_date > o.due_date and t.start_date <= $as_of::date
    group by all
),
training as (
    select o.person_id, '培训逾期' as kind,
           string_agg(
               concat(
                   case o.rule
                       when '初任培训' then printf('%s录用', o.event_date)
                       else printf('%s任%s', o.event_date, o.level)
                   end,
                   printf('，%s应于%s前完成，', o.rule, o.due_date),
                   case
                       when o.have_days > 0 then
                           printf('期限内仅%g天，需%g天', round(o.have_days, 1), round(o.need_days, 1))
                       when l.late_start is not null then '期限内未见记录'
                       else '未见记录'
                   end,
                   case when l.late_start is not null then printf('（%s补训）', l.late_start) end),
               '；' order by o.due_date, o.event_date) as evidence,
           max(o.due_date) as evidence_date,
           o.rule, min(o.due_date) as due_date,
    from overdue as o
    left join late as l using (person_id, rule, due_date)
    group by o.person_id, o.rule
),
final as (
    select *, null::varchar as rule, null::date as due_date, from annual
    union all select *, null::varchar, null::date, from quarterly
    union all select *, null::varchar, null::date, from supervised
    union all select * from training
)
select f.person_id, p.name, p.unit_id, u.name as unit_name, f.kind, f.evidence, f.evidence_date,
       f.rule, f.due_date,
from final as f
join people as p using (person_id)
left join units as u using (unit_id)
order by p.unit_id, f.person_id, f.kind, f.rule;
