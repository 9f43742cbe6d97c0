-- pipeline/profile.sql — one person's growth record (成长档案) as one long timeline: entry and
-- exit, posts, ranks, pools, trainings, weekly lectures (one row per year attended), mentors,
-- practice postings, annual assessments, special tasks, rewards and supervision.
-- Grain: one row per record of the person starting on or before $as_of (NULL = all records);
-- seen from $as_of, an interval ending later is open (end NULL).
-- Parameters: $person_id (VARCHAR), $as_of (DATE or NULL).
-- Columns: kind (Chinese record kind), kind_order, start, end (NULL for a one-day event or an
--   open interval: `open` tells which), open, label, detail, who (another person's name to be
--   masked by the caller, e.g. a mentor; else NULL).
with
p as (select * from persons where person_id = $person_id),
records as (
    select '录用' as kind, 0 as kind_order, entry_date as start, null::date as "end", false as open,
           '录用' as label, coalesce(entry_channel::varchar, '') as detail, null as who
    from p
    union all
    select '录用', 0, exit_date, null, false, '退出', coalesce(exit_reason, '') , null
    from p where exit_date is not null
    union all
    select '职务', 1, ps.start_date, ps.end_date, ps.end_date is null, ps.title,
           coalesce(u.name, ps.unit_id) || ' · ' || ps.level::varchar, null
    from posts as ps left join units as u using (unit_id) where ps.person_id = $person_id
    union all
    select '职级', 2, start_date, end_date, end_date is null, rank::varchar, reason::varchar, null
    from ranks where person_id = $person_id
    union all
    select '人才库', 3, entered_on, exited_on, exited_on is null, pool::varchar,
           concat_ws('；', source, exit_reason), null
    from pool_members where person_id = $person_id
    union all
    select '培训', 4, start_date, end_date, false, kind::varchar,
           concat_ws(' · ', topic, provider, hours::double::varchar || '学时', mode::varchar,
                     case when not passed then '不合格' end), null
    from trainings where person_id = $person_id
    union all
    select '每周一讲', 5, min(l.held_on), max(l.held_on), false, year(l.held_on)::varchar || '年每周一讲',
           '出席' || count(*) filter (where a.status = '出席')::varchar || '次，请假'
           || count(*) filter (where a.status = '请假')::varchar || '次', null
    from lecture_attendance as a join lectures as l using (lecture_id)
    where a.person_id = $person_id
    group by year(l.held_on)
    union all
    select '导师', 6, m.start_date, m.end_date, m.end_date is null, m.role::varchar, '', mp.name
    from mentorships as m left join persons as mp on mp.person_id = m.mentor_id
    where m.person_id = $person_id
    union all
    select '实践锻炼', 7, start_date, end_date, end_date is null, program::varchar, coalesce(rating, ''), null
    from practices where person_id = $person_id
    union all
    select '年度考核', 8, year_end(year), null, false, year::varchar || '年度' || grade::varchar,
           grade::varchar, null
    from annual_assessments where person_id = $person_id
    union all
    select '急难险重', 9, started_on, null, false, task, coalesce(rating, ''), null
    from special_tasks where person_id = $person_id
    union all
    select '奖励', 10, awarded_on, null, false, kind::varchar, coalesce(reason, ''), null
    from rewards where person_id = $person_id
    union all
    select '监督管理', 11, held_on, effective_until, false, kind::varchar,
           case when effective_until is not null
                then '影响期至' || strftime(effective_until, '%Y-%m-%d') else '' end, null
    from supervision where person_id = $person_id
),
final as (
    -- seen from $as_of: what ends later is still open on that day
    select kind, kind_order, start,
           case when $as_of is null or "end" <= $as_of::date then "end" end as "end",
           open or coalesce("end" > $as_of::date, false) as open,
           label, detail, who
    from records
    where start is not null and ($as_of is null or start <= $as_of::date)
)
select * from final
order by kind_order, start, label;
