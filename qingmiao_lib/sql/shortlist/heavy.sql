-- shortlist/heavy.sql — shortlist_heavy(as_of): the first of the 三优先, years in heavy-task
-- posts (多年在任务繁重岗位): the calendar years up to year(as_of) in which a person started an
-- 急难险重 task (special_tasks, started by as_of) or served, any part of the year, in a posting to
-- a heavy-task programme (rules shortlist.heavy_task_programs; [start, end) cut at as_of).
-- Tasks carry only a start date, so the measure counts years, not months; the posting months
-- are given for the reason (overlapping postings counted once).
-- Grain: one row per person with such a task or posting started by as_of.
-- Arguments: as_of (DATE).
-- Columns: person_id, heavy_years, heavy_tasks (tasks started by as_of), heavy_months (full
--   months in heavy-task postings up to as_of, summed over overlap-free spells).
create or replace temp macro shortlist_heavy(as_of) as table
with
postings as (
    select person_id, start_date as s, least(coalesce(end_date, as_of::date), as_of::date) as e,
    from practices
    where program::varchar in (select value from rule_lists where name = 'shortlist.heavy_task_programs')
      and start_date <= as_of::date
),
posting_years as (
    -- every calendar year the posting touches: its last day is e − 1 (e excluded), or e itself
    -- when the posting runs on past as_of (cut at as_of, which is served)
    select person_id, unnest(range(year(s), year(case when e > s then e - 1 else e end) + 1)) as yr,
    from postings
),
task_years as (
    select person_id, year(started_on) as yr, count(*) as tasks,
    from special_tasks
    where started_on <= as_of::date
    group by person_id, year(started_on)
),
years as (
    select person_id, count(distinct yr) as heavy_years,
    from (select person_id, yr from posting_years union all select person_id, yr from task_years)
    group by person_id
),
spells as (
    -- overlap-free spells of the postings (gaps and islands): a new spell starts where a
    -- posting starts after every earlier one of the person has ended
    select person_id, s, e,
           coalesce(s > max(e) over (partition by person_id order by s, e
                                     rows between unbounded preceding and 1 preceding), true) as opens,
    from postings
    where e > s
),
islands as (
    select person_id, min(s) as s, max(e) as e,
    from (select *, sum(opens::integer) over (partition by person_id order by s, e) as island from spells)
    group by person_id, island
),
months as (
    select person_id, sum(full_months(s, e))::bigint as heavy_months,
    from islands
    group by person_id
),
tasks as (
    select person_id, sum(tasks)::bigint as heavy_tasks,
    from task_years
    group by person_id
),
final as (
    select y.person_id, y.heavy_years, coalesce(t.heavy_tasks, 0) as heavy_tasks,
           coalesce(m.heavy_months, 0) as heavy_months,
    from years as y
    left join tasks as t using (person_id)
    left join months as m using (person_id)
)
select * from final;
