-- synth/lectures.sql — the weekly lecture (每周一讲) and its attendance, generated in SQL.
-- Lectures: every Wednesday of years $first..$last except the Spring Festival and August breaks.
-- Parameters: $first, $last (years).
insert into lectures
with days as (
    select d::date as held_on
    from range(make_date($first::bigint, 1, 1), make_date($last::bigint, 12, 31), interval 1 day) as t(d)
    where dayofweek(d) = 3 and not (month(d) = 2 and day(d) <= 20) and month(d) <> 8
)
select 'L' || strftime(held_on, '%Y%m%d'),
       held_on,
       (['理论教育', '党性教育', '基层治理', '乡村振兴', '其他'])[(week(held_on) % 5) + 1],
       (['学习贯彻党的创新理论', '党性修养与作风建设', '网格化基层治理实务', '乡村振兴政策解读', '公文写作与调查研究'])[(week(held_on) % 5) + 1]
from days;

