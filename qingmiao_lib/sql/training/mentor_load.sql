-- training/mentor_load.sql — mentor load (导师带教人数) on a date.
-- Grain: one row per mentor active on $as_of with at least one active mentee in a mentorship open
--   that day.
-- Parameters: $as_of (DATE), and the slice filters $units, $counties, $unit_kinds, $cohorts
--   (NULL = none; applied to the mentor; only active persons' units are read: training_people with
--   departed := false).
-- Columns: mentor_id, name, unit_id, unit_name, unit_kind, mentees (distinct active mentees),
--   political_mentees (as 政治导师), business_mentees (as 业务导师), over_limit (mentees >
--   mentors.max_mentees).
with
people as (
    select * from training_people($as_of::date, departed := false)
),
open_mentorships as (
    select m.mentor_id, m.person_id, m.role::varchar as role
    from mentorships as m
    join people as mentee on mentee.person_id = m.person_id and mentee.active
    where covers(m.start_date, m.end_date, $as_of::date)
),
load as (
    select
        mentor_id,
        count(distinct person_id) as mentees,
        count(distinct person_id) filter (where role = '政治导师') as political,
        count(distinct person_id) filter (where role = '业务导师') as business,
    from open_mentorships
    group by mentor_id
),
final as (
    select
        l.mentor_id, p.name, p.unit_id, u.name as unit_name, p.unit_kind,
        l.mentees, l.political as political_mentees, l.business as business_mentees,
        l.mentees > rule_num('mentors.max_mentees') as over_limit,
    from load as l
    join people as p on p.person_id = l.mentor_id and p.active
    left join units as u on u.unit_id = p.unit_id
    where training_in_slice(p.person_id, p.unit_id, p.unit_kind, p.entry_cohort,
                            $units, $counties, $unit_kinds, $cohorts)
)
select * from final
order by mentees desc, unit_id, mentor_id;
