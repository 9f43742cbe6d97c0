-- training/mentees.sql — dual-mentor (双导师) coverage of the first-five-years cohort on a date.
-- Grain: one row per person in the first-five-years cohort on $as_of (SPEC §5).
-- Parameters: $as_of (DATE), and the slice filters $units, $counties, $unit_kinds, $cohorts
--   (NULL = none).
-- Columns: person_id, name, unit_id, unit_name, unit_kind, entry_cohort, entry_date,
--   political, business (a mentorship of that role open on $as_of whose mentor is active that
--   day), covered (both), missing_roles ('政治导师' / '业务导师' / '政治导师、业务导师'; NULL when
--   covered), orphaned (roles whose mentorship is still open but whose mentor has left:
--   exit_date ≤ $as_of), mentor_elsewhere (roles whose active mentor's unit on $as_of differs
--   from the mentee's). Only active persons' units are read (training_people, departed := false).
with
people as (
    select * from training_people($as_of::date, departed := false)
),
cohort as (
    select person_id, name, unit_id, unit_kind, entry_cohort, entry_date
    from people
    where first_five
      and training_in_slice(person_id, unit_id, unit_kind, entry_cohort,
                            $units, $counties, $unit_kinds, $cohorts)
),
open_mentorships as (
    select m.person_id, m.role::varchar as role,
           coalesce(mp.active, false) as mentor_active, mp.unit_id as mentor_unit,
    from mentorships as m
    semi join cohort using (person_id)
    left join people as mp on mp.person_id = m.mentor_id
    where covers(m.start_date, m.end_date, $as_of::date)
),
roles as (
    select
        c.person_id,
        coalesce(bool_or(o.role = '政治导师' and o.mentor_active), false) as political,
        coalesce(bool_or(o.role = '业务导师' and o.mentor_active), false) as business,
        string_agg(distinct o.role, '、' order by o.role desc) filter (where not o.mentor_active)
            as orphaned,
        string_agg(distinct o.role, '、' order by o.role desc)
            filter (where o.mentor_active and o.mentor_unit is distinct from c.unit_id)
            as mentor_elsewhere,
    from cohort as c
    left join open_mentorships as o using (person_id)
    group by c.person_id
),
final as (
    select
        c.person_id, c.name, c.unit_id, u.name as unit_name, c.unit_kind, c.entry_cohort,
        c.entry_date, r.political, r.business,
        r.political and r.business as covered,
        case
            when not r.political and not r.business then '政治导师、业务导师'
            when not r.political then '政治导师'
            when not r.business then '业务导师'
        end as missing_roles,
        r.orphaned, r.mentor_elsewhere,
    from cohort as c
    join roles as r using (person_id)
    left join units as u on u.unit_id = c.unit_id
)
select * from final
order by covered, unit_id, entry_date, person_id;
