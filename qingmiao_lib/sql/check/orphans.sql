-- check/orphans.sql — rows naming a person, mentor, unit or lecture the database does not hold.
-- Grain: one row per orphan row; example = the table and the unknown id.
with refs as (
    select 'posts' as t, person_id as id, 'p' as kind from posts
    union all select 'ranks', person_id, 'p' from ranks
    union all select 'pool_members', person_id, 'p' from pool_members
    union all select 'trainings', person_id, 'p' from trainings
    union all select 'lecture_attendance', person_id, 'p' from lecture_attendance
    union all select 'mentorships', person_id, 'p' from mentorships
    union all select 'mentorships', mentor_id, 'p' from mentorships
    union all select 'practices', person_id, 'p' from practices
    union all select 'annual_assessments', person_id, 'p' from annual_assessments
    union all select 'regular_assessments', person_id, 'p' from regular_assessments
    union all select 'special_tasks', person_id, 'p' from special_tasks
    union all select 'rewards', person_id, 'p' from rewards
    union all select 'supervision', person_id, 'p' from supervision
    union all select 'posts', unit_id, 'u' from posts
    union all select 'quotas', unit_id, 'u' from quotas where unit_id is not null
    union all select 'units', parent_id, 'u' from units where parent_id is not null
    union all select 'lecture_attendance', lecture_id, 'l' from lecture_attendance
)
select t || ':' || id as example
from refs
where (kind = 'p' and id not in (select person_id from persons))
   or (kind = 'u' and id not in (select unit_id from units))
   or (kind = 'l' and id not in (select lecture_id from lectures))
