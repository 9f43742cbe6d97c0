-- pipeline/promotion_events.sql — promotions per year by a chosen grouping, on the bases of the
-- headline figures (SPEC §5): leadership promotions (F7: a post whose level is above the
-- person's preceding post), rank promotions (F9: ranks.reason 晋升) and step-downs with a rank
-- promotion (F8: a 晋升 within step_down_window_days of the end of a leadership post, with no
-- leadership post starting after that end by 31 December). Counted over all persons: F7 and F9
-- are the 40岁以下 rows, F8 the 40岁及以上 rows of the age_group grouping.
-- Grain: one row per (year, kind, group) with at least one event.
-- Parameters: $first, $last (INTEGER years), $by (VARCHAR: 'age_group' | 'unit' |
--   'entry_cohort' | 'all'; checked by the caller).
-- Columns: year, kind ('leadership' | 'rank' | 'step_down'), grp, persons (distinct persons with
--   such an event starting in the year), events; ordered by year, kind and the group's key.
with
candidates as (
    -- persons with a post above 无 starting in the years: only their posts need the look-back
    select distinct p.person_id
    from posts as p
    join rule_levels as rl on rl.level = p.level
    where year(p.start_date) between $first and $last and rl.step > 0
),
start_steps as (
    -- the highest level among each candidate's posts starting on a day (posts after $last are
    -- left out: a later post never changes an earlier post's preceding post)
    select p.person_id, p.start_date, max(rl.step) as top_step,
    from posts as p
    join rule_levels as rl on rl.level = p.level
    semi join candidates as c on c.person_id = p.person_id
    where year(p.start_date) <= $last
    group by p.person_id, p.start_date
),
leadership as (
    -- a post above the level of the person's preceding post: the preceding post is the latest
    -- starting before it (highest level among those starting that day), so the level to beat is
    -- the top step of the previous start day (lag over the start days, not a framed max)
    select p.person_id, p.start_date as on_date, p.unit_id, 'leadership' as kind,
    from posts as p
    join rule_levels as rl on rl.level = p.level
    join (
        select person_id, start_date,
               lag(top_step) over (partition by person_id order by start_date) as prev_step,
        from start_steps
    ) as s on s.person_id = p.person_id and s.start_date = p.start_date
    where year(p.start_date) between $first and $last and rl.step > 0 and rl.step > s.prev_step
),
rank_promotions as (
    -- numbered (ev) so the unit lookup groups by one integer; (person_id, on_date) is unique
    -- (the key of ranks)
    select row_number() over () as ev, person_id, start_date as on_date,
    from ranks
    where reason = '晋升' and year(start_date) between $first and $last
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
    -- each unit's place in unit_id order, so the main post's (step, start, unit_id) packs into one
    -- BIGINT (unit 22 bits, days since 0001-01-01 20 bits, step above): the max of an integer per
    -- promotion instead of the max of a struct, the same order (step, then start, then unit_id)
    select unit_id, (row_number() over (order by unit_id) - 1)::bigint as unit_no,
    from units
    where $by = 'unit'
),
promotion_units as (
    -- the unit of the main post covering each promotion date (highest level, then latest, then
    -- the greatest unit_id), looked up only for the unit grouping; a step-down is one of the rank
    -- promotions and shares it
    select r.ev,
           max((rl.step::bigint << 42) | (date_diff('day', date '0001-01-01', p.start_date)::bigint << 22)
               | uo.unit_no) as main_key,
    from rank_promotions as r
    -- an inner join whose hash table is the promotions, the posts streaming past it (no filter on
    -- posts: a post covering a date of the years passes the year filters anyway, and a filtered
    -- scan is estimated smaller than the promotions and becomes the hash table, 2M rows at 1M
    -- persons); a promotion with no covering post gets no unit from the left join of rank_units.
    -- Inner joins lose no post: rule_levels lists every level (rules.py checks it) and
    -- posts.unit_id references units.
    join posts as p on p.person_id = r.person_id and covers(p.start_date, p.end_date, r.on_date)
    join rule_levels as rl on rl.level = p.level
    join unit_order as uo on uo.unit_id = p.unit_id
    where $by = 'unit'
    group by r.ev
),
rank_units as (
    select r.person_id, r.on_date, 'rank' as kind, uo.unit_id,
    from rank_promotions as r
    left join promotion_units as u using (ev)
    left join unit_order as uo on uo.unit_no = u.main_key & 4194303
    union all
    select r.person_id, r.on_date, 'step_down' as kind, uo.unit_id,
    from step_downs as s
    join rank_promotions as r on r.person_id = s.person_id and r.on_date = s.on_date
    left join promotion_units as u using (ev)
    left join unit_order as uo on uo.unit_no = u.main_key & 4194303
),
events as (
    select person_id, on_date, unit_id, kind from leadership
    union all
    select person_id, on_date, unit_id, kind from rank_units
),
labelled as (
    -- persons are read only for the groupings that need them (every event has its person: the
    -- foreign keys of posts and ranks); the group's key first, its label once per group
    select e.person_id, e.kind, year(e.on_date) as year,
           case $by when 'age_group' then
                    (age_on(p.birth_date, year_end(year(e.on_date))) < rule_num('general.young_age_limit'))
                        is not true
                    end as older,
           case $by when 'entry_cohort' then year(p.entry_date) end as entry_cohort,
           case $by when 'unit' then e.unit_id end as unit_id,
    from events as e
    left join (select person_id, birth_date, entry_date from persons
               where $by in ('age_group', 'entry_cohort')) as p using (person_id)
),
per_person as (
    select year, kind, older, entry_cohort, unit_id, person_id, count(*) as events,
    from labelled
    group by all
),
counted as (
    select year, kind, older, entry_cohort, unit_id, count(*) as persons, sum(events)::bigint as events,
    from per_person
    group by all
),
final as (
    select c.year, c.kind,
           case $by when 'age_group' then case when c.older then '40岁及以上' else '40岁以下' end
                    when 'unit' then coalesce(u.name, '无在任职务')
                    when 'entry_cohort' then c.entry_cohort::varchar || '年录用'
                    else '合计' end as grp,
           case $by when 'age_group' then c.older::integer::varchar
                    when 'unit' then coalesce(c.unit_id, '~')
                    when 'entry_cohort' then c.entry_cohort::varchar
                    else '' end as grp_sort,
           c.persons, c.events,
    from counted as c
    left join (select unit_id, name from units where $by = 'unit') as u on u.unit_id = c.unit_id
)
-- grp_sort orders the rows and is not returned (one text per row less to hand over)
select * exclude (grp_sort) from final
order by year, kind, grp_sort;
