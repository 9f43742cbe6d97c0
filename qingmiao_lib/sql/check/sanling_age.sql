-- check/sanling_age.sql — 三龄二历 年龄: a person's birth date against the earliest record of work
-- (a 简历 工作 entry, a post, a rank) and of any kind (a 简历 entry): the earliest record of work
-- dated before the $min_work_age-th birthday, or a 简历 entry dated before birth, means the birth
-- date or the record is wrong. (参加工作时间 and 录用时间 have their own checks in ages.sql.)
-- Grain: one row per person with the finding, naming the earliest such record.
-- Parameters: min_work_age (INTEGER, years).
-- Columns: person_id, lines, detail, example.
with records as (
    select person_id, start_date as on_date, kind = '工作' as work,
           '简历第' || line_no || '行' as what, line_no
    from resume_entries
    union all
    select person_id, start_date, true, '职务表 ' || strftime(start_date, '%Y.%m') || ' 起的职务', null
    from posts
    union all
    select person_id, start_date, true, '职级表 ' || strftime(start_date, '%Y.%m') || ' 起的职级', null
    from ranks
),
early as (
    select r.person_id, p.birth_date,
           arg_min(struct_pack(r.what, r.line_no, r.on_date), (r.on_date, coalesce(r.line_no, 0))) as first,
    from records as r
    join persons as p using (person_id)
    where r.on_date < p.birth_date or (r.work and age_on(p.birth_date, r.on_date) < $min_work_age)
    group by r.person_id, p.birth_date
),
final as (
    select person_id,
           case when first.line_no is not null then first.what else '' end as lines,
           first.what || '（' || strftime(first.on_date, '%Y.%m') || '）' ||
           case when first.on_date < birth_date then '早于出生年月 '
                else '时未满 ' || $min_work_age || ' 周岁，出生年月 ' end
           || strftime(birth_date, '%Y.%m') as detail,
    from early
)
select *, person_id || ' ' || detail as example from final
