-- synth/lecture_attendance.sql — attendance of the weekly lecture: every person young and active
-- on the day; a person's own propensity and a hash of (seed, person, lecture) decide
-- 出席 / 请假 / absent (no row). Parameters: $seed.
insert into lecture_attendance
with people as (
    select person_id, birth_date, entry_date, exit_date,
           0.72 + 0.27 * sqrt((hash(person_id, $seed) % 10000) / 10000.0) as propensity
    from persons
),
pairs as (
    select l.lecture_id, p.person_id, p.propensity,
           (hash(l.lecture_id, p.person_id, $seed) % 100000) / 100000.0 as u
    from lectures as l
    join people as p
      on active_on(p.entry_date, p.exit_date, l.held_on)
     and p.birth_date > l.held_on - to_years(rule_num('general.young_age_limit')::integer + 1)
    where age_on(p.birth_date, l.held_on) < rule_num('general.young_age_limit')
)
select lecture_id, person_id, case when u < propensity then '出席' else '请假' end
from pairs
where u < propensity + 0.05;
