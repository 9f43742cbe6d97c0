-- check/sanling_resume_gaps.sql — 三龄二历 经历: gaps in a 简历: an entry (工作 or 学习; rank events
-- are not periods) starting more than $max_gap_months full months after every earlier entry ended.
-- Grain: one row per gap (named by the line before it and the line after it).
-- Parameters: max_gap_months (INTEGER).
-- Columns: person_id, lines, detail, example.
with ordered as (
    select person_id, line_no, start_date,
           max(coalesce(end_date, 'infinity'::date)) over w as prev_end,
           arg_max(line_no, coalesce(end_date, 'infinity'::date)) over w as prev_line,
    from resume_entries
    where kind <> '职级'
    window w as (partition by person_id order by start_date, line_no
                 rows between unbounded preceding and 1 preceding)
),
final as (
    select person_id,
           '简历第' || prev_line || '行、第' || line_no || '行' as lines,
           '简历第' || prev_line || '行（至 ' || strftime(prev_end, '%Y.%m') || '）与第' || line_no || '行（'
           || strftime(start_date, '%Y.%m') || ' 起）之间空缺 ' || full_months(prev_end, start_date) || ' 个月' as detail,
    from ordered
    where prev_end is not null and prev_end < 'infinity'::date
      and full_months(prev_end, start_date) > $max_gap_months
)
select *, person_id || ' ' || lines as example from final
