-- evaluation/warnings.sql — early warnings (苗头性问题, SPEC §5) on a date d = $as_of, for the
-- persons of the slice active on d. Four kinds:
--   年度考核  a grade of the last completed year, year(d) − 1, that is graded (rules
--             assessment.graded) but not one promotion accepts (promotion.last_year_grades):
--             基本称职 or 不称职;
--   平时考核  a 一般 or 较差 quarter among the last four completed quarters (a quarter is
--             complete once d is after its last day: on 2024-01-01 they are 2023 Q1–Q4);
--   监督管理  a supervision of a blocking kind (promotion.blocking_supervision: 诫勉, 组织处理,
--             处分) held on or before d with effective_until > d;
--   培训逾期  a recruit (first ranks row a 定级, or no ranks row yet) in the first years
--             (first_five) past the 初任培训 deadline — entry_date + training.initial_deadline_months
--             before d — with no passed 初任培训 started on or before d.
-- Grain: one row per person and kind of warning (several quarters or supervisions of one person
--   are one row; the evidence lists them all).
-- Parameters: $as_of (DATE), slice filters.
-- Columns: person_id, name, unit_id, unit_name, kind, evidence (Chinese), evidence_date (the
--   latest dated fact behind the warning: year end, quarter end, supervision date, deadline).
with
people as (
    select person_id, name, unit_id, entry_date, exit_date, first_five,
           (entry_date + to_months(rule_num('training.initial_deadline_months')::integer))::date
               as deadline,
    from eval_slice($as_of::date, $units::varchar[], $age_group::varchar, $young::boolean,
                    $entry_cohort::integer)
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
overdue as (
    -- recruits past the deadline: the few whose first ranks row and trainings are looked up
    select person_id, entry_date, deadline,
    from people
    where first_five and deadline < $as_of::date
),
first_ranks as (
    select person_id, arg_min(reason, start_date) as reason,
    from ranks
    where person_id in (select person_id from overdue)
    group by person_id
),
training as (
    select p.person_id, '培训逾期' as kind,
           printf('%s 录用，初任培训应于 %s 前完成，至今无合格记录', p.entry_date, p.deadline)
               as evidence,
           p.deadline as evidence_date,
    from overdue as p
    left join first_ranks as r using (person_id)
    where coalesce(r.reason = '定级', true)
      and not exists (
          select 1 from trainings as t
          where t.person_id = p.person_id and t.kind = '初任培训' and t.passed
            and t.start_date <= $as_of::date)
),
final as (
    select * from annual
    union all select * from quarterly
    union all select * from supervised
    union all select * from training
)
select f.person_id, p.name, p.unit_id, u.name as unit_name, f.kind, f.evidence, f.evidence_date,
from final as f
join people as p using (person_id)
left join units as u using (unit_id)
order by p.unit_id, f.person_id, f.kind;
