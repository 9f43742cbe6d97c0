-- check/sanling_work_start.sql — 三龄二历 工龄: 参加工作时间 against the 简历 and the posts: the
-- earliest record of work (a 简历 工作 entry or a post) starting in a month before 参加工作时间, or
-- 参加工作时间 falling inside a full-time 简历 study entry (not 在职/函授/业余/党校/进修 study).
-- (Against age and 录用时间: work_under_16 and work_after_entry in ages.sql.)
-- Grain: one row per person and finding (at most two per person).
-- Parameters: none.
-- Columns: person_id, lines, detail, example.
with work as (
    select person_id, start_date, '简历第' || line_no || '行' as what, line_no
    from resume_entries where kind = '工作'
    union all
    select person_id, start_date, '职务表 ' || strftime(start_date, '%Y.%m') || ' 起的职务', null from posts
),
earliest as (
    select w.person_id, p.work_start_date,
           arg_min(struct_pack(w.what, w.line_no, w.start_date), (w.start_date, coalesce(w.line_no, 0))) as first,
    from work as w
    join persons as p using (person_id)
    where date_trunc('month', w.start_date) < date_trunc('month', p.work_start_date)
    group by w.person_id, p.work_start_date
),
before_work as (
    select person_id,
           case when first.line_no is not null then first.what else '' end as lines,
           first.what || '（' || strftime(first.start_date, '%Y.%m') || ' 起）早于参加工作时间 '
           || strftime(work_start_date, '%Y.%m') as detail,
    from earliest
),
in_study as (
    select e.person_id, '简历第' || e.line_no || '行' as lines,
           '参加工作时间 ' || strftime(p.work_start_date, '%Y.%m') || ' 在简历第' || e.line_no || '行的全日制学习期间（'
           || strftime(e.start_date, '%Y.%m') || '—' || strftime(e.end_date, '%Y.%m') || '）' as detail,
    from resume_entries as e
    join persons as p using (person_id)
    where e.kind = '学习' and e.end_date is not null
      and not regexp_matches(e.content, '在职|函授|业余|党校|进修|自学|网络')
      and date_trunc('month', p.work_start_date) > e.start_date
      and date_trunc('month', p.work_start_date) < e.end_date
),
final as (
    select * from before_work
    union all
    select * from in_study
)
select *, person_id || ' ' || detail as example from final
