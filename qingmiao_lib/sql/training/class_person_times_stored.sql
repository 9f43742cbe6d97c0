-- training/class_person_times_stored.sql — training/class_person_times.sql read from the stored
-- table training_years (snapshots/training_years.sql: each person's class records per year)
-- instead of scanning trainings; training.py runs it while the table's stamp matches
-- (snapshots/training_stamp.sql). Same parameters, grain, columns and answers.
with
years as (
    select y::integer as year, year_end(y::integer) as d
    from range($first_year::integer, $last_year::integer + 1) as t(y)
),
people as (
    select person_id, birth_date
    from training_people($as_of::date)
    where training_in_slice(unit_id, unit_kind, entry_cohort, $units, $unit_kinds, $cohorts)
),
classes as (
    select s.year, s.person_id, s.class_courses, s.class_hours, p.birth_date
    from training_years as s
    join people as p using (person_id)
    where s.year between $first_year::integer and $last_year::integer and s.class_courses > 0
),
final as (
    select
        y.year,
        coalesce(sum(c.class_courses), 0)::bigint as person_times,
        count(c.person_id) as persons,
        coalesce(sum(c.class_courses) filter (
            where age_on(c.birth_date, y.d) < rule_num('general.young_age_limit')), 0)::bigint
            as young_person_times,
        count(c.person_id) filter (where age_on(c.birth_date, y.d) < rule_num('general.young_age_limit'))
            as young_persons,
        coalesce(sum(c.class_hours), 0) as hours,
    from years as y
    left join classes as c on c.year = y.year
    group by y.year
)
select * from final
order by year;
