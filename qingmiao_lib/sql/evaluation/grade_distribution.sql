-- evaluation/grade_distribution.sql — the annual grades of one year by a chosen dimension.
-- A grade belongs to the person's slice on 31 December of its year (unit = main unit that day,
-- age group and young on that day); grades of years the person was not active are left out.
-- Grain: one row per (group, grade), every grade of annual_grade listed (zero-filled) for each
-- group with at least one grade.
-- Parameters: $year, $as_of (31 Dec of $year), $by (one of the dimensions of
--   evaluation.DIMENSIONS, allowlisted before this query; 'county': county_of(person_id), a
--   combined database's), slice filters $units, $counties (VARCHAR[]), $age_group, $young,
--   $cohorts (each NULL = all).
-- Columns: group_key, group_name, sort_key, grade, persons, graded (the group's graded persons:
--   grades of rules assessment.graded, 不定等次 excluded), share (persons / graded; NULL for
--   grades outside assessment.graded).
with
people as (
    select *
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], $age_group::varchar,
                    $young::boolean, $cohorts::integer[])
),
grades as (
    select
        case $by
            when 'unit' then coalesce(p.unit_id, '—')
            when 'unit_kind' then coalesce(p.unit_kind::varchar, '—')
            when 'age_group' then p.age_group
            when 'young' then case when p.young then '是' else '否' end
            when 'entry_cohort' then p.entry_cohort::varchar
            when 'gender' then p.gender::varchar
            when 'education' then p.education::varchar
            when 'county' then county_of(p.person_id)
            else '合计'
        end as group_key,
        case $by
            when 'age_group' then p.age
            when 'entry_cohort' then p.entry_cohort
            when 'education' then enum_code(p.education)
            else 0
        end as sort_value,
        g.grade,
    from annual_assessments as g
    join people as p using (person_id)
    where g.year = $year
      -- valid grades (as valid_annual_grades), checked on the slice's own entry and exit dates:
      -- one join instead of two
      and p.entry_date <= make_date(g.year, 12, 31)
      and (p.exit_date is null or p.exit_date > make_date(g.year, 1, 1))
),
groups as (
    select group_key, min(sort_value) as sort_key, from grades group by group_key
),
cells as (
    select g.group_key, g.sort_key, e.grade,
    from groups as g
    cross join (select unnest(enum_range(null::annual_grade)) as grade) as e
),
counts as (
    select group_key, grade, count(*) as persons, from grades group by group_key, grade
),
final as (
    select
        c.group_key,
        coalesce(u.name, c.group_key) as group_name,
        c.sort_key,
        c.grade::varchar as grade,
        coalesce(n.persons, 0) as persons,
        sum(coalesce(n.persons, 0)) filter (
            where c.grade::varchar in (select value from rule_lists where name = 'assessment.graded')
        ) over (partition by c.group_key) as graded,
    from cells as c
    left join counts as n using (group_key, grade)
    left join units as u on $by = 'unit' and u.unit_id = c.group_key
)
select group_key, group_name, sort_key, grade, persons, graded,
       case when grade in (select value from rule_lists where name = 'assessment.graded')
            then persons / nullif(graded, 0) end as share,
from final
order by sort_key, group_key, enum_code(grade::annual_grade);
