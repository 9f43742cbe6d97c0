-- training/lecture_groups.sql — weekly-lecture attendance per unit (or unit kind) and month.
-- Grain: one row per (group, month) — or per group when $monthly is false — with sessions owed.
-- Parameters: $as_of (DATE), $by ('unit' | 'unit_kind' | 'total' | 'county': county_of(person_id),
--   a combined database's; allowlisted in Python),
--   $monthly (BOOLEAN), and the slice filters $units, $counties, $unit_kinds, $cohorts
--   (NULL = none).
-- Source: training_lecture_years / training_lecture_months (training/lecture_months.sql), which
--   the query layer points at the stored marks (training/lecture_marks.sql) while current.
-- Columns: group_id, group_name, month (NULL when not monthly), persons, sessions (person-
--   sessions owed), attended, excused, absent, rate, excused_rate, below (persons whose rate for
--   the year is under lecture.attendance_threshold; per group, not per month).
with
years as (
    select *,
           case $by::varchar
               when 'unit' then coalesce(unit_id, '')
               when 'unit_kind' then coalesce(unit_kind, '')
               when 'county' then county_of(person_id)
               else '合计'
           end as group_id,
    from training_lecture_years($as_of::date)
    where training_in_slice(person_id, unit_id, unit_kind, entry_cohort,
                            $units, $counties, $unit_kinds, $cohorts)
),
months as (
    select *,
           case $by::varchar
               when 'unit' then coalesce(unit_id, '')
               when 'unit_kind' then coalesce(unit_kind, '')
               when 'county' then county_of(person_id)
               else '合计'
           end as group_id,
    from training_lecture_months($as_of::date)
    where $monthly::boolean
      and training_in_slice(person_id, unit_id, unit_kind, entry_cohort,
                            $units, $counties, $unit_kinds, $cohorts)
),
below as (
    select group_id,
           count(*) filter (
               where attended / sessions < rule_num('lecture.attendance_threshold')) as below,
    from years
    group by group_id
),
grouped as (
    -- the year: one row per person already
    select group_id, null::bigint as month, count(*) as persons,
           sum(sessions) as sessions, sum(attended) as attended, sum(excused) as excused,
           sum(absent) as absent,
    from years
    where not $monthly::boolean
    group by group_id
    union all
    -- one row per (person, month): persons = rows
    select group_id, month, count(*) as persons,
           sum(sessions) as sessions, sum(attended) as attended, sum(excused) as excused,
           sum(absent) as absent,
    from months
    group by group_id, month
),
final as (
    select
        g.group_id,
        case
            when $by::varchar = 'unit' then coalesce(u.name, '（无单位）')
            when g.group_id = '' then '（未知）'
            else g.group_id
        end as group_name,
        g.month, g.persons, g.sessions, g.attended, g.excused, g.absent,
        g.attended / g.sessions as rate,
        g.excused / g.sessions as excused_rate,
        b.below,
    from grouped as g
    join below as b using (group_id)
    left join units as u on $by::varchar = 'unit' and u.unit_id = g.group_id
)
select * from final
order by group_id, month;
