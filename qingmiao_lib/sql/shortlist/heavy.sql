-- shortlist/heavy.sql — shortlist_heavy(as_of): the first of the 三优先, years in heavy-task
-- posts (多年在任务繁重岗位): the calendar years up to year(as_of) in which a person started an
-- 急难险重 task (special_tasks, started on or before as_of) or served, any day of the year before
-- as_of, in a posting to a heavy-task programme (rules shortlist.heavy_task_programs; [start, end)
-- cut at as_of, as full months are).
-- Tasks carry only a start date, so the measure counts years, not months; the posting months
-- are given for the reason (overlapping postings counted once).
-- The years are counted as bits of one BIGINT per person (bit year(as_of) − y for year y, the 62
-- years up to year(as_of): longer than any career; earlier years fold into bit 61), so no row is
-- made per year and no distinct is needed.
-- Grain: one row per person with such a task started by as_of or posting started before it.
-- Arguments: as_of (DATE).
-- Columns: person_id, heavy_years, heavy_tasks (tasks started by as_of), heavy_months (full
--   months in heavy-task postings up to as_of, summed over overlap-free spells).
create or replace temp macro shortlist_heavy(as_of) as table
with
postings as (
    select person_id, start_date as s, least(coalesce(end_date, as_of::date), as_of::date) as e,
    from practices
    where program::varchar in (select value from rule_lists where name = 'shortlist.heavy_task_programs')
      and start_date < as_of::date
),
tasks as (
    select person_id, count(*) as heavy_tasks,
           bit_or(1::bigint << least(year(as_of::date) - year(started_on), 61)) as mask,
    from special_tasks
    where started_on <= as_of::date
    group by person_id
),
spells as (
    -- overlap-free spells of the postings (gaps and islands): a new spell starts where a
    -- posting starts after every earlier one of the person has ended
    select person_id, s, e,
           coalesce(s > max(e) over (partition by person_id order by s, e
                                     rows between unbounded preceding and 1 preceding), true) as opens,
    from postings
),
islands as (
    select person_id, min(s) as s, max(e) as e,
    from (select *, sum(opens::integer) over (partition by person_id order by s, e) as island from spells)
    group by person_id, island
),
served as (
    -- the years a spell touches: from year(s) to the year of its last day, e − 1 (e excluded)
    select person_id, sum(full_months(s, e))::bigint as heavy_months,
           -- bits year(as_of) − year(e − 1) .. year(as_of) − year(s) (capped at 61)
           bit_or((2::bigint << least(year(as_of::date) - year(s), 61))
                  - (1::bigint << least(year(as_of::date) - year(e - 1), 61))) as mask,
    from islands
    group by person_id
),
final as (
    select person_id,
           bit_count(coalesce(t.mask, 0) | coalesce(v.mask, 0))::bigint as heavy_years,
           coalesce(t.heavy_tasks, 0) as heavy_tasks, coalesce(v.heavy_months, 0) as heavy_months,
    from tasks as t
    full join served as v using (person_id)
)
select * from final;
