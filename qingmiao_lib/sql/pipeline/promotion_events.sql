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
leadership as (
    select person_id, start_date as on_date, unit_id, 'leadership' as kind,
    from (
        select p.person_id, p.start_date, p.unit_id, rl.step as level_step,
               max({'start_date': p.start_date, 'step': rl.step}) over (
                   partition by p.person_id order by p.start_date
                   range between unbounded preceding and interval 1 day preceding
               ) as prev
        from posts as p
        join rule_levels as rl on rl.level = p.level
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
    -- the unit of the main post covering the promotion date (highest level, then latest)
    select e.person_id, e.on_date, e.kind,
           max({'step': rl.step, 'start': p.start_date, 'unit_id': p.unit_id}).unit_id as unit_id,
    from rank_events as e
    left join posts as p on p.person_id = e.person_id and covers(p.start_date, p.end_date, e.on_date)
    left join rule_levels as rl on rl.level = p.level
    group by e.person_id, e.on_date, e.kind
),
events as (
    select person_id, on_date, unit_id, kind from leadership
    union all
    select person_id, on_date, unit_id, kind from rank_units
),
labelled as (
    select e.*, year(e.on_date) as year,
           case when age_on(p.birth_date, year_end(year(e.on_date))) < rule_num('general.young_age_limit')
                then '40岁以下' else '40岁及以上' end as age_group,
           year(p.entry_date) as entry_cohort,
           coalesce(u.name, '无在任职务') as unit_name,
    from events as e
    join persons as p using (person_id)
    left join units as u on u.unit_id = e.unit_id
),
final as (
    select year, kind,
           case $by when 'age_group' then age_group
                    when 'unit' then unit_name
                    when 'entry_cohort' then entry_cohort::varchar || '年录用'
                    else '合计' end as grp,
           case $by when 'age_group' then (age_group = '40岁及以上')::integer::varchar
                    when 'unit' then coalesce(unit_id, '~')
                    when 'entry_cohort' then entry_cohort::varchar
                    else '' end as grp_sort,
           count(distinct person_id) as persons,
           count(*) as events,
    from labelled
    group by all
)
select * from final
order by year, kind, grp_sort;
