-- evaluation/special_tasks.sql — urgent, difficult, dangerous and heavy tasks (急难险重任务,
-- the "N" of 1+N) per person in a year, with their ratings and the year's annual grade.
-- Grain: one row per person of the slice on $as_of with a task started in $year.
-- Parameters: $year, $as_of (31 Dec of $year), slice filters.
-- Columns: person_id, name, unit_id, tasks, rated (tasks with a rating), ratings (e.g.
--   '突出×1、良好×2'), task_names, annual_grade.
with
people as (
    select person_id, name, unit_id,
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], $age_group::varchar,
                    $young::boolean, $cohorts::integer[])
),
tasks as (
    select t.person_id, t.task, t.rating,
    from special_tasks as t
    join people using (person_id)
    where year(t.started_on) = $year
),
ratings as (
    select person_id, string_agg(rating || '×' || n, '、' order by n desc, rating) as ratings,
    from (select person_id, rating, count(*) as n from tasks where rating is not null group by all)
    group by person_id
),
final as (
    select person_id, count(*) as tasks, count(rating) as rated,
           string_agg(distinct task, '、') as task_names,
    from tasks group by person_id
)
select f.person_id, p.name, p.unit_id, f.tasks, f.rated, r.ratings, f.task_names,
       a.grade::varchar as annual_grade,
from final as f
join people as p using (person_id)
left join ratings as r using (person_id)
left join valid_annual_grades() as a on a.person_id = f.person_id and a.year = $year
order by f.tasks desc, f.person_id;
