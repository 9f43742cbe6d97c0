-- check/sanling_education.sql — 三龄二历 学历: the education history against the 简历 and the
-- person's 学历: an education whose school no 简历 entry or note names (for persons with a 简历),
-- and a persons.education other than the highest level of the person's education history.
-- Grain: one row per finding (an education row, or a person).
-- Parameters: none.
-- Columns: person_id, lines, detail, example.
with with_resume as (
    select distinct person_id from resume_entries
),
unnamed as (
    select h.person_id, '' as lines,
           '学历学位表中的' || h.level || '（' || h.kind || '，' || h.school || '）在简历中没有对应的学习经历' as detail,
    from education_history as h
    join with_resume using (person_id)
    where h.school is not null and h.school <> ''
      and not exists (
          select 1 from resume_entries as e
          where e.person_id = h.person_id
            and contains(e.content || coalesce(e.note, ''), h.school))
),
highest as (
    select p.person_id, '' as lines,
           '人员表的学历为' || p.education || '，学历学位表中最高为' || max(h.level) as detail,
    from persons as p
    join education_history as h using (person_id)
    group by p.person_id, p.education
    having p.education::varchar <> max(h.level)::varchar
),
final as (
    select * from unnamed
    union all
    select * from highest
)
select *, person_id || ' ' || detail as example from final
