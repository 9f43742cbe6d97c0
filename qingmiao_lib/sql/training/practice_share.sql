-- training/practice_share.sql — the share of the young who have had a frontline posting.
-- Grain: one row per group of $by ('total' → one group '合计') with at least one young person.
-- Parameters: $as_of (DATE), $by ('total' | 'unit' | 'unit_kind' | 'entry_cohort' | 'county':
--   county_of(person_id), a combined database's; allowlisted in Python), and the slice filters $units, $counties, $unit_kinds, $cohorts (NULL = none).
-- Columns: group_id, group_name, young_active (active and young on $as_of), practised (of them, with a
--   posting started on or before $as_of), practised_this_year (started in the year of $as_of),
--   share (practised / young).
with
young as (
    select person_id, unit_id, unit_kind, entry_cohort,
           case $by::varchar
               when 'unit' then coalesce(unit_id, '')
               when 'unit_kind' then coalesce(unit_kind, '')
               when 'entry_cohort' then entry_cohort::varchar
               when 'county' then county_of(person_id)
               else '合计'
           end as group_id,
    from training_people($as_of::date)
    where active and young
      and training_in_slice(person_id, unit_id, unit_kind, entry_cohort,
                            $units, $counties, $unit_kinds, $cohorts)
),
posted as (
    select person_id,
           bool_or(year(start_date) = year($as_of::date)) as this_year,
    from practices
    where start_date <= $as_of::date
    group by person_id
),
grouped as (
    select
        y.group_id,
        count(*) as young_active,
        count(p.person_id) as practised,
        count(*) filter (where p.this_year) as practised_this_year,
    from young as y
    left join posted as p using (person_id)
    group by y.group_id
),
final as (
    select
        g.group_id,
        case
            when $by::varchar = 'unit' then coalesce(u.name, '（无单位）')
            when g.group_id = '' then '（未知）'
            else g.group_id
        end as group_name,
        g.young_active, g.practised, g.practised_this_year,
        g.practised / g.young_active as share,
    from grouped as g
    left join units as u on $by::varchar = 'unit' and u.unit_id = g.group_id
)
select * from final
order by group_id;
