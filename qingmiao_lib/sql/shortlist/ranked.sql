-- shortlist/ranked.sql — shortlist_ranked(as_of, recommended): the quota-constrained shortlist
-- for rank promotion (SPEC §9 *Shortlist*). Candidates are the persons eligibility_on(as_of)
-- finds qualified (the personal conditions) with a next rank — and, when `recommended` is a list
-- (the units' recommendations, 一推), only those on it. Each next rank is one competition, ordered
-- by the 三优先 in the order of rules shortlist.priorities (heavy-task years, whole frontline
-- years, a leadership post left — shortlist_heavy, shortlist_frontline,
-- shortlist_left_leadership), then 优秀 years in the tenure, counted tenure, age
-- (shortlist.older_first), and person_id so the order is total.
-- Places (SPEC §9): quota − holders on as_of, at least 0, for the quotas of year(as_of): the
-- jurisdiction's and a unit's where one names the candidate's unit (holders by main post, as
-- eligibility_on counts them). Suggested: the first candidates in order that fit every quota
-- that applies — a unit's first `unit places` pass its unit, and of those passing the first
-- `places` of the jurisdiction are suggested (what taking them one by one would give); with no
-- jurisdiction quota those passing a unit quota are suggested; with no quota at all nobody is.
-- Grain: one row per candidate (a person appears once: one next rank).
-- A county of a combined database (for_county) is a jurisdiction of its own, as its own database
-- is: its persons only compete and hold, its units' quotas apply, and its quotas over its whole
-- jurisdiction come from county_quotas (bound by the caller as a list: a county's own database
-- has no such table; the combined database keeps no jurisdiction row in quotas).
-- Arguments: as_of (DATE), recommended (VARCHAR[] of person_id, NULL = no recommendation list),
--   for_rank (VARCHAR: only the competition for this next rank, read from its holders and the rank
--   below's; NULL = every rank — each rank is its own competition, so its rows are the same),
--   for_county (VARCHAR county code, county_of(person_id), of a combined database; NULL = the
--   whole database as one jurisdiction), county_quotas (the table county_quotas' rows of
--   year(as_of) as a list of STRUCT(county, rank, max_count); read only with for_county).
-- Columns: person_id, name, unit_id, current_rank, next_rank, next_step, tenure_basis,
--   tenure_months, excellent_years, birth_date, age, heavy_years, heavy_tasks, heavy_months,
--   frontline_months, frontline_years, by_unit, by_program, left_level, left_on,
--   left_excluded, left_leadership, retirement_date (statutory), position (1.. in order), place_rank (名次: the first position
--   of its equal keys), shares_place (another candidate has equal keys), quota, holders, places, unit_quota, unit_holders, unit_places,
--   unit_ok (passes its unit quota, true when none), suggested, tied_at_cut (an equal-key
--   candidate sits on the other side of the cut that decided this one).
create or replace temp macro shortlist_ranked(as_of, recommended, for_rank := null, for_county := null,
                                                county_quotas := null) as table
with
params as (
    select coalesce(rule_num('shortlist.older_first'), 1) <> 0 as older_first,
),
prios as (
    select value as criterion, row_number() over (order by rowid) as pos,
    from rule_lists
    where name = 'shortlist.priorities'
),
pick as (
    select max(criterion) filter (where pos = 1) as p1, max(criterion) filter (where pos = 2) as p2,
           max(criterion) filter (where pos = 3) as p3,
    from prios
),
pool as (
    -- each active person's verdict and measures (shortlist/pool.sql: from the records, or the
    -- rows stored on a 31 December: a person's row does not depend on the jurisdiction); with
    -- `for_rank`, only its holders and candidates; with `for_county`, only that county's
    select * from shortlist_pool(as_of, for_rank)
    where for_county is null or county_of(person_id) = for_county
),
holders_all as (
    select current_rank as rank, count(*) as n,
    from pool
    where current_rank is not null
    group by current_rank
),
holders_unit as (
    select unit_id, current_rank as rank, count(*) as n,
    from pool
    where current_rank is not null and unit_id is not null
    group by unit_id, current_rank
),
quota as (
    -- the quotas of the year (with `for_county`: its units'), then its jurisdiction quotas
    select unit_id, rank, min(max_count) as max_count,
    from quotas
    where year = year(as_of::date) and (for_county is null or county_of(unit_id) = for_county)
    group by unit_id, rank
    union all
    select null::varchar as unit_id, q.rank::rank_name as rank, min(q.max_count)::integer as max_count,
    from (select unnest(county_quotas::struct(county varchar, rank varchar, max_count bigint)[],
                        recursive := true)) as q
    where q.county = for_county
    group by q.rank
),
measured as (
    select person_id, name, unit_id, current_rank, next_rank, next_step, qualified, tenure_basis,
           tenure_months, excellent_years, birth_date, age_on(birth_date, as_of::date) as age,
           heavy_years, heavy_tasks, heavy_months, frontline_months,
           frontline_months // 12 as frontline_years, by_unit, by_program,
           left_level, left_on, left_excluded,
           left_on is not null and not left_excluded as left_leadership, retirement_date,
    from pool
    where candidate and (for_rank is null or next_rank::varchar = for_rank)
      and (recommended is null or list_contains(recommended::varchar[], person_id))
),
keyed as (
    -- the whole order as one BIGINT, larger first: 7 bits per 三优先 (0–127), 6 for the 优秀
    -- years (0–63), 10 for the tenure months (0–1023), 17 for the birth day (days since
    -- 1900-01-01, reversed when older first): one comparison per pair instead of six; equal keys
    -- are a tie
    select m.*,
           (least(case k.p when 'heavy_tasks' then m.heavy_years when 'frontline' then m.frontline_years
                           when 'left_leadership' then m.left_leadership::bigint else 0 end, 127) << 47)
         | (least(case k.q when 'heavy_tasks' then m.heavy_years when 'frontline' then m.frontline_years
                           when 'left_leadership' then m.left_leadership::bigint else 0 end, 127) << 40)
         | (least(case k.r when 'heavy_tasks' then m.heavy_years when 'frontline' then m.frontline_years
                           when 'left_leadership' then m.left_leadership::bigint else 0 end, 127) << 33)
         | (least(greatest(m.excellent_years, 0), 63)::bigint << 27)
         | (least(greatest(m.tenure_months, 0), 1023)::bigint << 17)
         | least(greatest(case when pr.older_first then 131071 - (m.birth_date - date '1900-01-01')
                               else m.birth_date - date '1900-01-01' end, 0), 131071)::bigint
           as sort_key,
    from measured as m
    cross join (select p1 as p, p2 as q, p3 as r from pick) as k
    cross join params as pr
),
ordered as (
    -- the competition on narrow rows (the wide ones join back at the end): the position in
    -- order and the places of the quotas that apply
    select k.person_id, k.next_rank, k.unit_id, k.sort_key,
           row_number() over (partition by k.next_rank order by k.sort_key desc, k.person_id) as position,
           qj.max_count as quota, coalesce(hj.n, 0) as holders,
           case when qj.max_count is not null then greatest(qj.max_count - coalesce(hj.n, 0), 0) end as places,
           qu.max_count as unit_quota, coalesce(hu.n, 0) as unit_holders,
           case when qu.max_count is not null then greatest(qu.max_count - coalesce(hu.n, 0), 0) end as unit_places,
    from keyed as k
    left join quota as qj on qj.unit_id is null and qj.rank = k.next_rank
    left join holders_all as hj on hj.rank = k.next_rank
    left join quota as qu on qu.unit_id = k.unit_id and qu.rank = k.next_rank
    left join holders_unit as hu on hu.unit_id = k.unit_id and hu.rank = k.next_rank
),
unit_positions as (
    -- positions within a unit, only where a quota names the unit
    select person_id, row_number() over (partition by next_rank, unit_id order by position) as unit_position,
    from ordered
    where unit_quota is not null
),
unit_stage as (
    select o.*, o.unit_quota is null or u.unit_position <= o.unit_places as unit_ok,
    from ordered as o
    left join unit_positions as u using (person_id)
),
blocked as (
    -- candidates their unit's quota stops (none where no unit quota is set), and how many per rank
    select next_rank, position, count(*) over (partition by next_rank) as n,
    from unit_stage
    where not unit_ok
),
shifted as (
    -- a candidate's place among those passing their unit = position − those stopped before it;
    -- counted only where it can matter: a rank with stopped candidates, within places + stopped
    select u.person_id,
           u.position - (select count(*) from blocked as b
                         where b.next_rank = u.next_rank and b.position < u.position) as admissible_position,
    from unit_stage as u
    where u.unit_ok and u.quota is not null
      and u.position <= u.places + (select max(b.n) from blocked as b where b.next_rank = u.next_rank)
),
decided as (
    select u.*,
           u.unit_ok and case when u.quota is not null
                              then coalesce(sh.admissible_position, u.position) <= u.places
                              else u.unit_quota is not null end as suggested,
    from unit_stage as u
    left join shifted as sh using (person_id)
),
ties as (
    -- equal keys: the first position they share, and whether the cut splits them among those
    -- passing their unit
    select next_rank, sort_key, min(position) as first_position,
           coalesce(bool_or(suggested) filter (where unit_ok)
                    and not bool_and(suggested) filter (where unit_ok), false) as split,
    from decided
    group by next_rank, sort_key
    having count(*) > 1
),
unit_ties as (
    -- equal keys in a unit with a quota that its cut splits
    select next_rank, unit_id, sort_key, bool_or(unit_ok) and not bool_and(unit_ok) as split,
    from decided
    where unit_quota is not null
    group by next_rank, unit_id, sort_key
    having count(*) > 1
),
final as (
    select k.* exclude (sort_key),
           d.position, coalesce(t.first_position, d.position) as place_rank,
           t.next_rank is not null as shares_place,
           d.quota, d.holders, d.places, d.unit_quota, d.unit_holders, d.unit_places, d.unit_ok,
           d.suggested,
           -- a tie at the cut: an equal-key candidate fell on the other side of the same cut
           coalesce(ut.split, false) or coalesce(d.unit_ok and d.quota is not null and t.split, false)
               as tied_at_cut,
    from keyed as k
    join decided as d using (person_id)
    left join ties as t on t.next_rank = d.next_rank and t.sort_key = d.sort_key
    left join unit_ties as ut on ut.next_rank = d.next_rank and ut.unit_id = d.unit_id
                              and ut.sort_key = d.sort_key
)
select * from final;
