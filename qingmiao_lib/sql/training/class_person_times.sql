-- training/class_person_times.sql — class person-times (培训人次) per year: the basis of F3.
-- Grain: one row per year from $first_year to $last_year.
-- Parameters: $first_year, $last_year (INTEGER), $as_of (DATE: 31 December of $last_year, the
--   day the slice is taken on), and the slice filters $units, $unit_kinds, $cohorts (NULL = none).
-- Columns: year, person_times (class records starting in the year: mode not in
--   training.non_class_modes, passed or not, as F3), persons (distinct), young_person_times (of
--   persons young on 31 December of the year — F3 itself), young_persons, hours (of the classes).
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
    select t.person_id, year(t.start_date) as year, t.hours::double as hours, p.birth_date
    from trainings as t
    join people as p using (person_id)
    where t.start_date between make_date($first_year::integer, 1, 1) and make_date($last_year::integer, 12, 31)
      and training_is_class(t.mode)
),
final as (
    select
        y.year,
        count(c.person_id) as person_times,
        count(distinct c.person_id) as persons,
        count(c.person_id) filter (where age_on(c.birth_date, y.d) < rule_num('general.young_age_limit'))
            as young_person_times,
        count(distinct c.person_id) filter (
            where age_on(c.birth_date, y.d) < rule_num('general.young_age_limit')) as young_persons,
        coalesce(sum(c.hours), 0) as hours,
    from years as y
    left join classes as c on c.year = y.year
    group by y.year
)
select * from final
order by year;
