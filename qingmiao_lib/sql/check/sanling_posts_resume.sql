-- check/sanling_posts_resume.sql — 三龄二历 经历: the posts table against the 简历, for persons
-- with a 简历: a post with no 简历 工作 entry of its unit (by name) starting in its month, and a 简历
-- 工作 entry in a unit of the unit list with no post of that unit starting in its month.
-- Grain: one row per unmatched post or 简历 entry.
-- Parameters: none.
-- Columns: person_id, lines, detail, example.
with with_resume as (
    select distinct person_id from resume_entries
),
resume_work as (
    select e.person_id, e.line_no, e.start_date, e.organisation, e.title, u.unit_id
    from resume_entries as e
    left join units as u on u.name = e.organisation
    where e.kind = '工作'
),
post_unmatched as (
    select p.person_id, '' as lines,
           '职务表中 ' || strftime(p.start_date, '%Y.%m') || ' 起的职务（' || u.name || p.title
           || '）在简历中没有对应的行' as detail,
    from posts as p
    join with_resume using (person_id)
    join units as u using (unit_id)
    where not exists (
        select 1 from resume_work as r
        where r.person_id = p.person_id and r.unit_id = p.unit_id
          and date_trunc('month', r.start_date) = date_trunc('month', p.start_date))
),
line_unmatched as (
    select r.person_id, '简历第' || r.line_no || '行' as lines,
           '简历第' || r.line_no || '行（' || strftime(r.start_date, '%Y.%m') || ' 起，' || r.organisation
           || coalesce(r.title, '') || '）的单位在单位名单中，但职务表中没有这一职务' as detail,
    from resume_work as r
    where r.unit_id is not null
      and not exists (
          select 1 from posts as p
          where p.person_id = r.person_id and p.unit_id = r.unit_id
            and date_trunc('month', p.start_date) = date_trunc('month', r.start_date))
),
final as (
    select * from post_unmatched
    union all
    select * from line_unmatched
)
select *, person_id || ' ' || detail as example from final
