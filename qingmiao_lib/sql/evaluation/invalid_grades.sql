-- evaluation/invalid_grades.sql — annual grades of a year in which the person was not active
-- (entered after 31 December, or left on or before 1 January): data errors that every
-- evaluation analysis leaves out (valid_annual_grades) and `qingmiao check` reports.
-- Grain: one row per such annual_assessments row. Parameters: none.
-- Columns: person_id, year, grade, entry_date, exit_date, problem (Chinese).
select a.person_id, a.year::integer as year, a.grade::varchar as grade, p.entry_date, p.exit_date,
       case when p.entry_date > make_date(a.year, 12, 31)
            then printf('%d年度有考核结果，但录用时间 %s 在该年之后', a.year, p.entry_date)
            else printf('%d年度有考核结果，但已于 %s 退出', a.year, p.exit_date) end as problem,
from annual_assessments as a
join persons as p using (person_id)
where not (p.entry_date <= make_date(a.year, 12, 31)
           and (p.exit_date is null or p.exit_date > make_date(a.year, 1, 1)))
order by a.person_id, a.year;
