-- training/lecture_months.sql — training_lecture_months_live(as_of): the weekly lecture (每周一讲)
-- owed and attended, per person and month, from 1 January of the year of as_of to as_of.
-- Grain: one row per (person, month) with at least one session held while the person was active
--   and young (SPEC §5: active on the day, age < general.young_age_limit on the day).
-- Parameters: as_of (DATE).
-- Columns: person_id, name, unit_id, unit_kind, entry_cohort, month (1–12), sessions (held while
--   active and young), attended (出席), excused (请假), absent (sessions − attended − excused: no
--   row). Marks on sessions outside the person's active-and-young days are not counted.
create or replace temp macro training_lecture_months_live(as_of) as table
with
sessions as (
    -- a county's lectures are owed by its own persons only (a combined database holds several)
    select lecture_id, held_on, month(held_on) as month, county_of(lecture_id) as county
    from lectures
    where held_on between make_date(year(as_of::date), 1, 1) and as_of::date
),
people as (
    -- active and young on [entry_date, exit_date) ∩ [birth_date, young_until)
    select person_id, name, unit_id, unit_kind, entry_cohort, entry_date,
           county_of(person_id) as county,
           least(
               coalesce(exit_date, date '9999-12-31'),
               birth_date + to_months((rule_num('general.young_age_limit') * 12)::integer)
           ) as until,
    from training_people(as_of::date)
),
eligible as (
    select * from people
    where until > make_date(year(as_of::date), 1, 1)
),
owed as (
    select e.person_id, s.month, count(*) as sessions
    from eligible as e
    join sessions as s
      on s.county = e.county and s.held_on >= e.entry_date and s.held_on < e.until
    group by e.person_id, s.month
),
marked as (
    select a.person_id, s.month,
           count(*) filter (where a.status = '出席') as attended,
           count(*) filter (where a.status = '请假') as excused,
    from lecture_attendance as a
    join sessions as s using (lecture_id)
    join eligible as e using (person_id)
    where s.county = e.county and s.held_on >= e.entry_date and s.held_on < e.until
    group by a.person_id, s.month
),
final as (
    select
        e.person_id, e.name, e.unit_id, e.unit_kind, e.entry_cohort, o.month, o.sessions,
        coalesce(m.attended, 0) as attended,
        coalesce(m.excused, 0) as excused,
        o.sessions - coalesce(m.attended, 0) - coalesce(m.excused, 0) as absent,
    from owed as o
    join eligible as e using (person_id)
    left join marked as m using (person_id, month)
)
select * from final;

-- training_lecture_years_live(as_of): the same summed per person over the months (the year to as_of).
-- Grain: one row per person owing at least one session. Columns: person_id, name, unit_id,
--   unit_kind, entry_cohort, sessions, attended, excused, absent (HUGEINT sums).
create or replace temp macro training_lecture_years_live(as_of) as table
select person_id, name, unit_id, unit_kind, entry_cohort,
       sum(sessions) as sessions, sum(attended) as attended, sum(excused) as excused,
       sum(absent) as absent,
from training_lecture_months_live(as_of::date)
group by person_id, name, unit_id, unit_kind, entry_cohort;

-- The names the analyses call, pointing at the live computations above until the query layer
-- points them at the stored bit sets of lecture_marks (training/use_lectures_stored.sql, with
-- training/lecture_marks.sql) for one query and back (training/use_lectures_live.sql, the same
-- two definitions as these).
create or replace temp macro training_lecture_months(as_of) as table
    select * from training_lecture_months_live(as_of);
create or replace temp macro training_lecture_years(as_of) as table
    select * from training_lecture_years_live(as_of);
