-- shortlist/frontline.sql — shortlist_frontline(as_of): the second of the 三优先, years at the
-- frontline (长期扎根……一线): posts in units of the kinds rules shortlist.frontline_unit_kinds
-- names (乡镇街道) and postings to the programmes shortlist.frontline_programs names (驻村帮扶,
-- 千万工程), each [start, end) cut at as_of; a village posting held beside a township post, or two
-- concurrent posts, count once (overlap-free spells, gaps and islands).
-- Grain: one row per person with such a post or posting started before as_of.
-- Arguments: as_of (DATE).
-- Columns: person_id, frontline_months (full months summed over the spells), by_unit (a
--   frontline unit's post among them), by_program (a frontline posting among them).
create or replace temp macro shortlist_frontline(as_of) as table
with
stints as (
    select p.person_id, true as unit, p.start_date as s,
           least(coalesce(p.end_date, as_of::date), as_of::date) as e,
    from posts as p
    join units as u using (unit_id)
    where u.kind::varchar in (select value from rule_lists where name = 'shortlist.frontline_unit_kinds')
      and p.start_date < as_of::date
    union all
    select person_id, false as unit, start_date as s,
           least(coalesce(end_date, as_of::date), as_of::date) as e,
    from practices
    where program::varchar in (select value from rule_lists where name = 'shortlist.frontline_programs')
      and start_date < as_of::date
),
spells as (
    -- a new spell starts where a stint starts after every earlier one of the person has ended
    select person_id, unit, s, e,
           coalesce(s > max(e) over (partition by person_id order by s, e
                                     rows between unbounded preceding and 1 preceding), true) as opens,
    from stints
),
islands as (
    select person_id, min(s) as s, max(e) as e, bool_or(unit) as by_unit, bool_or(not unit) as by_program,
    from (select *, sum(opens::integer) over (partition by person_id order by s, e) as island from spells)
    group by person_id, island
),
final as (
    select person_id, sum(full_months(s, e))::bigint as frontline_months,
           bool_or(by_unit) as by_unit, bool_or(by_program) as by_program,
    from islands
    group by person_id
)
select * from final;
