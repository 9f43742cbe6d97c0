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
leveled as (
    select p.person_id, p.start_date, p.unit_id, rl.step as level_step,
    from posts as p
    join rule_levels as rl on rl.level = p.level
    where year(p.start_date) <= $last
),
candidates as (
    -- persons with a post above 无 starting in the years: only their posts need the window
    select distinct person_id
    from leveled
    where year(start_date) between $first and $last and level_step > 0
),
leadership as (
    -- a later post never changes an earlier post's preceding post: posts after $last are left out
    select person_id, start_date as on_date, unit_id, 'leadership' as kind,
    from (
        select l.person_id, l.start_date, l.unit_id, l.level_step,
               max({'start_date': l.start_date, 'step': l.level_step}) over (
                   partition by l.person_id order by l.start_date
                   range between unbounded preceding and interval 1 day preceding
               ) as prev
        from leveled as l
        semi join candidates as c on c.person_id = l.person_id
    )
    where year(start_date) between $first and $last and level_step > 0 and level_step > prev.step
),
rank_promotions as (
    select person_id, start_date as on_date,
    from ranks
    where reason = '晋升' and year(start_date) between $first and $last
),
step_downs as (
    select distinct r.person_id, r.on_date,
    from rank_promotions as r
    join posts as p on p.person_id = r.person_id
    where p.level <> '无' and p.end_date is not null
      and abs(date_diff('day', p.end_date, r.on_date)) <= rule_num('figures.step_down_window_days')
      and not exists (
          select 1 from posts as later
          where later.person_id = p.person_id and later.level <> '无'
            and later.start_date >= p.end_date and later.start_date <= year_end(year(r.on_date))
      )
),
rank_events as (
    select person_id, on_date, 'rank' as kind from rank_promotions
    union all
    select person_id, on_date, 'step_down' as kind from step_downs
),
rank_units as (
    -- the unit of the main post covering the promotion date (highest level, then latest), looked
    -- up only for the unit grouping; (person_id, on_date, kind) is unique (the key of ranks)
    select person_id, on_date, kind, null::varchar as unit_id,
    from rank_events
    where $by <> 'unit'
    union all
    select e.person_id, e.on_date, e.kind,
           max({'step': rl.step, 'start': p.start_date, 'unit_id': p.unit_id}).unit_id as unit_id,
    from rank_events as e
    left join (select * from posts
               where year(start_date) <= $last and (end_date is null or year(end_date) >= $first)) as p
        on p.person_id = e.person_id and covers(p.start_date, p.end_date, e.on_date)
    left join rule_levels as rl on rl.level = p.level
    where $by = 'unit'
    group by e.person_id, e.on_date, e.kind
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
