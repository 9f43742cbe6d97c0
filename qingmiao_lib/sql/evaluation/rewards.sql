-- evaluation/rewards.sql — rewards (奖励) awarded in a year by kind and age group.
-- Ages are taken on $as_of (31 Dec of $year), as is the slice.
-- Grain: one row per (kind, age_group) with at least one reward in $year.
-- Parameters: $year, $as_of, slice filters.
-- Columns: kind, age_group, age_from (sort key), rewards, persons.
with
people as (
    select person_id, age, age_group,
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], $age_group::varchar,
                    $young::boolean, $cohorts::integer[])
)
select w.kind::varchar as kind, p.age_group, min(p.age) as age_from, count(*) as rewards,
       count(distinct w.person_id) as persons,
from rewards as w
join people as p using (person_id)
where year(w.awarded_on) = $year
group by w.kind, p.age_group
order by enum_code(w.kind), age_from;
