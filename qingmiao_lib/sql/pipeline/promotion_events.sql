-- pipeline/promotion_events.sql — promotions per year by a chosen grouping, on the bases of the
-- headline figures (SPEC §5): leadership promotions (F7: a post whose level is above the
-- person's preceding post), rank promotions (F9: ranks.reason 晋升) and step-downs with a rank
-- promotion (F8: a 晋升 within step_down_window_days of the end of a leadership post, with no
-- leadership post starting after that end by 31 December). Counted over all persons (those of
-- $counties when given): F7 and F9 are the young rows ('40岁以下' under the default rules: the
-- label names the rules' general.young_age_limit), F8 the older rows ('40岁及以上') of the
-- age_group grouping.
-- Grain: one row per (year, kind, group) with at least one event.
-- Parameters: $first, $last (INTEGER years), $by (VARCHAR: 'age_group' | 'unit' |
--   'entry_cohort' | 'all'; checked by the caller), $counties (VARCHAR[] of county codes on a
--   combined database: the promotions of the persons whose keys are those counties'; NULL = all).
-- Columns: year, kind ('leadership' | 'rank' | 'step_down'), grp, persons (distinct persons with
--   such an event starting in the year), events; ordered by year, kind and the group's key.
with
leadership as (
    -- base/leadership_steps.sql: a post above the level of the person's preceding post
    select person_id, start_date as on_date, unit_id,
    from leadership_steps(make_date($first::integer, 1, 1), make_date($last::integer, 12, 31))
    where $counties::varchar[] is null or list_contains($counties::varchar[], county_of(person_id))
),
rank_promotions as (
    -- numbered (ev) so the unit lookup groups by one integer; (person_id, on_date) is unique
    -- (the key of ranks). A step-down is one of these, so the county filter here keeps its too.
    select row_number() over () as ev, person_id, start_date as on_date,
    from ranks
    where reason = '晋升' and year(start_date) between $first and $last
      and ($counties::varchar[] is null or list_contains($counties::varchar[], county_of(person_id)))
),
ended_posts as (
    -- leadership posts that ended within the window around a rank promotion
    select r.person_id, r.on_date, p.end_date,
    from rank_promotions as r
    join posts as p on p.person_id = r.person_id
    where p.level <> '无' and p.end_date is not null
      and abs(date_diff('day', p.end_date, r.on_date)) <= rule_num('figures.step_down_window_days')
),
taken_again as (
    -- … followed by a leadership post starting from that end to 31 December of the promotion year
    select distinct e.person_id, e.on_date, e.end_date,
    from ended_posts as e
    join posts as later on later.person_id = e.person_id
    where later.level <> '无' and later.start_date >= e.end_date
      and later.start_date <= year_end(year(e.on_date))
),
step_downs as (
    select distinct e.person_id, e.on_date,
    from ended_posts as e
    anti join taken_again as t
        on t.person_id = e.person_id and t.on_date = e.on_date and t.end_date = e.end_date
),
unit_order as (
    -- each unit's place in unit_id order (unit_no): the unit grouping groups, packs and sorts by
    -- this integer, and the main post's (step, start, unit_no) packs into one BIGINT (unit 22
    -- bits, days since 0001-01-01 20 bits, step above): the max of an integer per promotion
    -- instead of the max of a struct, the same order (step, then start, then unit_id)
    select unit_id, name, (row_number() over (order by unit_id) - 1)::bigint as unit_no,
    from units
    where $by = 'unit'
),
promotion_units as (
    -- the unit of the main post covering each promotion date (highest level, then latest, then
    -- the greatest unit_id), looked up only for the unit grouping; a step-down is one of the rank
    -- promotions and shares it
    select r.ev,
           max((rl.step::bigint << 42) | (date_diff('day', date '0001-01-01', p.start_date)::bigint << 22)
               | uo.unit_no) & 4194303 as unit_no,
    from rank_promotions as r
    -- an inner join whose hash table is the promotions, the posts streaming past it (no filter on
    -- posts: a post covering a date of the years passes the year filters anyway, and a filtered
    -- scan is estimated smaller than the promotions and becomes the hash table, 2M rows at 1M
    -- persons); a promotion with no covering post gets no unit from the left joins below.
    -- Inner joins lose no post: rule_levels lists every level (rules.py checks it) and
    -- posts.unit_id references units.
    join posts as p on p.person_id = r.person_id and covers(p.start_date, p.end_date, r.on_date)
    join rule_levels as rl on rl.level = p.level
    join unit_order as uo on uo.unit_id = p.unit_id
    where $by = 'unit'
    group by r.ev
),
events as (
    -- kind_no 0 leadership, 1 rank, 2 step_down (the order of their names); unit_no NULL
    -- outside the unit grouping and for a promotion with no covering post
    select l.person_id, l.on_date, 0 as kind_no, uo.unit_no,
    from leadership as l
    left join unit_order as uo on uo.unit_id = l.unit_id
    union all
    select r.person_id, r.on_date, 1 as kind_no, u.unit_no,
    from rank_promotions as r
    left join promotion_units as u using (ev)
    union all
    select r.person_id, r.on_date, 2 as kind_no, u.unit_no,
    from step_downs as s
    join rank_promotions as r on r.person_id = s.person_id and r.on_date = s.on_date
    left join promotion_units as u using (ev)
),
labelled as (
    -- each event's (year, kind, group) packed into one BIGINT key, in the order of the output:
    -- (year · 4 + kind_no) above 32 bits, the group's number below — 1 for not young (0 for
    -- young), the entry year, the unit_no (2^32 − 1, last, for no post), 0 for all. Persons
    -- are read only for the groupings that need them (every event has its person: the foreign
    -- keys of posts and ranks).
    select e.person_id,
           ((year(e.on_date)::bigint * 4 + e.kind_no) << 32)
           | case $by
                 when 'age_group' then
                     ((age_on(p.birth_date, year_end(year(e.on_date))) < rule_num('general.young_age_limit'))
                         is not true)::bigint
                 when 'entry_cohort' then year(p.entry_date)::bigint
                 when 'unit' then coalesce(e.unit_no, 4294967295)
                 else 0
             end as key,
    from events as e
    left join (select person_id, birth_date, entry_date from persons
               where $by in ('age_group', 'entry_cohort')) as p using (person_id)
),
per_person as (
    select key, person_id, count(*) as events,
    from labelled
    group by key, person_id
),
counted as (
    select key, key & 4294967295 as g, count(*) as persons, sum(events)::bigint as events,
    from per_person
    group by key
),
final as (
    select c.key >> 34 as year,
           case (c.key >> 32) & 3 when 0 then 'leadership' when 1 then 'rank' else 'step_down' end as kind,
           case $by when 'age_group' then
                        printf(case when c.g = 1 then '%d岁及以上' else '%d岁以下' end,
                               rule_num('general.young_age_limit')::integer)
                    when 'unit' then coalesce(u.name, '无在任职务')
                    when 'entry_cohort' then c.g::varchar || '年录用'
                    else '合计' end as grp,
           c.persons, c.events, c.key,
    from counted as c
    left join unit_order as u on u.unit_no = c.g
)
-- the key orders the rows and is not returned
select * exclude (key) from final
order by key;
