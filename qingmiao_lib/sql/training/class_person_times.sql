-- training/class_person_times.sql — class person-times (培训人次) per year: the basis of F3.
-- Grain: one row per year from $first_year to $last_year.
-- Parameters: $first_year, $last_year (INTEGER), $as_of (DATE: 31 December of $last_year, the
--   day the slice is taken on), and the slice filters $units, $counties, $unit_kinds, $cohorts
--   (NULL = none).
-- Columns: year, person_times (class records starting in the year: mode not in
--   training.non_class_modes, passed or not, as F3), persons (distinct), young_person_times (of
--   persons young on 31 December of the year — F3 itself), young_persons, hours (of the classes).
-- Each person's classes per year come from training_class_years (training/year_courses.sql: the
-- trainings table, or the stored training_years while current).
with
years as (
    select y::integer as year, year_end(y::integer) as d
    from range($first_year::integer, $last_year::integer + 1) as t(y)
),
people as (
    select person_id, birth_date
    from training_people($as_of::date)
    where training_in_slice(person_id, unit_id, unit_kind, entry_cohort,
                            $units, $counties, $unit_kinds, $cohorts)
),
classes as (
    select s.year, s.person_id, s.class_courses, s.class_hours, p.birth_date
    from training_class_years($first_year::integer, $last_year::integer) as s
    join people as p using (person_id)
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
