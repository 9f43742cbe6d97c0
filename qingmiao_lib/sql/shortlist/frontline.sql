-- shortlist/frontline.sql — shortlist_frontline(as_of): the second of the 三优先, years at the
-- frontline (长期扎根……一线): posts in units of the kinds rules shortlist.frontline_unit_kinds
-- names (乡镇街道) and postings to the programmes shortlist.frontline_programs names (驻村帮扶,
-- 千万工程), each [start, end) cut at as_of; a village posting held beside a township post, or two
-- concurrent posts, count once (overlap-free spells, gaps and islands).
-- Grain: one row per person with such a post or posting started before as_of.
-- Arguments: as_of (DATE).
-- Columns: person_id, frontline_months (full months summed over the spells), unit_months (in
--   frontline units alone, overlaps counted once), program_months (in frontline postings alone).
create or replace temp macro shortlist_frontline(as_of) as table
with
stints as (
    select p.person_id, 'unit' as source, p.start_date as s,
           least(coalesce(p.end_date, as_of::date), as_of::date) as e,
    from posts as p
    join units as u using (unit_id)
    where u.kind::varchar in (select value from rule_lists where name = 'shortlist.frontline_unit_kinds')
      and p.start_date < as_of::date
    union all
    select person_id, 'program' as source, start_date as s,
           least(coalesce(end_date, as_of::date), as_of::date) as e,
    from practices
    where program::varchar in (select value from rule_lists where name = 'shortlist.frontline_programs')
      and start_date < as_of::date
),
spells as (
    -- a new spell starts where a stint starts after every earlier one (of the same scope) ended;
    -- scope 'all' merges both sources, the others one source each
    select person_id, scope, s, e,
           coalesce(s > max(e) over (partition by person_id, scope order by s, e
                                     rows between unbounded preceding and 1 preceding), true) as opens,
    from (select person_id, 'all' as scope, s, e from stints
          union all
          select person_id, source as scope, s, e from stints)
    where e > s
),
islands as (
    select person_id, scope, min(s) as s, max(e) as e,
    from (select *, sum(opens::integer) over (partition by person_id, scope order by s, e) as island
          from spells)
    group by person_id, scope, island
),
final as (
    select person_id,
           sum(full_months(s, e)) filter (where scope = 'all')::bigint as frontline_months,
           coalesce(sum(full_months(s, e)) filter (where scope = 'unit'), 0)::bigint as unit_months,
           coalesce(sum(full_months(s, e)) filter (where scope = 'program'), 0)::bigint as program_months,
    from islands
    group by person_id
)
select * from final;
