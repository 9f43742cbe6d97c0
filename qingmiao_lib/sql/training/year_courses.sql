-- training/year_courses.sql — training_year_courses(as_of): each person's credited courses
-- (passed) starting from 1 January of the year of as_of to as_of, summed — the 在职培训 and
-- 专门业务培训 credit of training/obligations.sql, computed from trainings.
-- Its twin training_year_courses_stored (training/training_years.sql) reads the stored table
-- training_years instead, for an as_of on 31 December (training.py chooses).
-- Grain: one row per person with a credited course in the span.
-- Parameters: as_of (DATE).
-- Columns: person_id, hours, days (as obligations.sql), specialised_hours, specialised_days
--   (the 专门业务培训 among them; NULL without one).
create or replace temp macro training_year_courses(as_of) as table
with
courses as (
    select
        t.person_id, t.kind, t.hours::double as hours,
        case
            when coalesce(t.mode::varchar, '') in (
                select value from rule_lists where name = 'training.non_class_modes')
            then t.hours::double / rule_num('training.hours_per_day')
            else date_diff('day', t.start_date, t.end_date) + 1
        end as days,
    from trainings as t
    where t.passed and t.start_date between make_date(year(as_of::date), 1, 1) and as_of::date
)
select person_id,
       sum(hours) as hours, sum(days) as days,
       sum(hours) filter (where kind = '专门业务培训') as specialised_hours,
       sum(days) filter (where kind = '专门业务培训') as specialised_days,
from courses
group by person_id;
