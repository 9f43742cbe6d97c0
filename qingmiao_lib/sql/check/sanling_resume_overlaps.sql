-- check/sanling_resume_overlaps.sql — 三龄二历 经历: overlaps in a 简历: two entries (工作 or
-- full-time 学习; in-service study such as 在职/函授/党校 may run beside work) whose periods
-- overlap by a month or more — an open end (至今) that is not the last entry overlaps all after it.
-- Grain: one row per overlapping pair of entries.
-- Parameters: none.
-- Columns: person_id, lines, detail, example.
with periods as (
    select person_id, line_no, start_date, coalesce(end_date, 'infinity'::date) as end_date, end_date as written_end
    from resume_entries
    where kind = '工作'
       or (kind = '学习' and not regexp_matches(content, '在职|函授|业余|党校|进修|自学|网络'))
),
final as (
    select a.person_id,
           '简历第' || a.line_no || '行、第' || b.line_no || '行' as lines,
           '简历第' || a.line_no || '行（' || strftime(a.start_date, '%Y.%m') || '—'
           || coalesce(strftime(a.written_end, '%Y.%m'), '至今') || '）与第' || b.line_no || '行（'
           || strftime(b.start_date, '%Y.%m') || ' 起）时间重叠' as detail,
    from periods as a
    join periods as b
      on a.person_id = b.person_id
     and (a.start_date, a.line_no) < (b.start_date, b.line_no)
     and b.start_date < a.end_date
)
select *, person_id || ' ' || lines as example from final
