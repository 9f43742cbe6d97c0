-- pipeline/promotion_events.sql — promotions per year by a chosen grouping, on the bases of the
-- headline figures (SPEC §5): leadership promotions (F7: a post whose level is above the
-- person's preceding post), rank promotions (F9: ranks.reason 晋升) and step-downs with a rank
-- promotion (F8: a 晋升 within step_down_window_days of the end of a leadership post, with no
-- leadership post starting after that end by 31 December). Counted over all persons: F7 and F9
-- are the 40岁以下 rows, F8 the 40岁及以上 rows of the age_group grouping.
-- Grain: one row per (year, kind, group) with at least one event.
-- Parameters: $first, $last (INTEGER years), $by (VARCHAR: 'age_group' | 'unit' |
--   'entry_cohort' | 'all'; checked by the caller).
-- Columns: year, kind ('leadership' | 'rank' | 'step_down'), grp, grp_sort, persons (distinct
--   persons with such an event starting in the year), events.
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
promotion_units as (
    -- the unit of the main post covering each promotion date (highest level, then latest), looked
    -- up only for the unit grouping; a step-down is one of the rank promotions and shares it
    select r.ev, max({'step': rl.step, 'start': p.start_date, 'unit_id': p.unit_id}).unit_id as unit_id,
    from rank_promotions as r
    left join (select * from posts
               where year(start_date) <= $last and (end_date is null or year(end_date) >= $first)) as p
        on p.person_id = r.person_id and covers(p.start_date, p.end_date, r.on_date)
    left join rule_levels as rl on rl.level = p.level
    where $by = 'unit'
    group by r.ev
),
rank_units as (
    select r.person_id, r.on_date, 'rank' as kind, u.unit_id,
    from rank_promotions as r
    left join promotion_units as u using (ev)
    union all
    select r.person_id, r.on_date, 'step_down' as kind, u.unit_id,
    from step_downs as s
    join rank_promotions as r on r.person_id = s.person_id and r.on_date = s.on_date
    left join promotion_units as u using (ev)
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
select * from final
order by year, kind, grp_sort;
