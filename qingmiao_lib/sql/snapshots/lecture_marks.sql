-- snapshots/lecture_marks.sql — store the weekly lecture (每周一讲) per person and year as bit
-- sets (table lecture_marks), so the lecture analyses need not scan lecture_attendance (one row
-- per young person and session: ~100 million rows at 1 million persons).
-- A year's sessions are numbered 0, 1, … in (held_on, lecture_id) order, per county (a combined
-- database holds several counties' lectures; a person owes their own county's only); bit i of
-- a mask is the county's session i of the year. owed = sessions held while the person was active and young ([entry_date,
-- exit_date) ∩ [birth_date, birth_date + general.young_age_limit years), as
-- training/lecture_months.sql); attended / excused = the 出席 / 请假 marks on owed sessions
-- (bits of owed only; a (lecture, person) pair is unique, as the importer and `qingmiao check`
-- enforce). A reader takes the bits of the sessions held up to its as_of, or of one
-- month, and counts them with bit_count: any as_of of the year is answered exactly.
-- Years with more than 64 sessions do not fit a UBIGINT and are left out (the readers fall back
-- to the live computation for them; see training.py).
-- Depends on: lectures, lecture_attendance, persons (entry/exit/birth dates) and the rule
-- general.young_age_limit of the refreshing connection; snapshots/lecture_stamp.sql fingerprints
-- exactly these, and the stamp is stored in meta ('lecture_marks_stamp') next to the table.
-- Grain: one row per (year, person) owing at least one session that year.
-- Parameters: none.
create or replace table lecture_marks as
with
sessions as (
    select lecture_id, held_on, year(held_on) as year, county_of(lecture_id) as county,
           (row_number() over (partition by county_of(lecture_id), year(held_on)
                               order by held_on, lecture_id) - 1)::integer as bit,
    from lectures
),
fits as (
    select county, year from sessions group by county, year having count(*) <= 64
),
numbered as (
    select s.*, 1::ubigint << s.bit as flag
    from sessions as s
    semi join fits using (county, year)
),
people as (
    select person_id, entry_date, county_of(person_id) as county,
           least(
               coalesce(exit_date, date '9999-12-31'),
               birth_date + to_months((rule_num('general.young_age_limit') * 12)::integer)
           ) as until,
    from persons
),
owed as (
    select p.person_id, s.year, bit_or(s.flag) as owed
    from people as p
    join numbered as s
      on s.county = p.county and s.held_on >= p.entry_date and s.held_on < p.until
    group by p.person_id, s.year
),
marked as (
    -- every mark of the year's sessions, per person: no join with people on the ~100 million
    -- marks; the bits outside the person's active-and-young days are masked off with owed below
    select a.person_id, s.year,
           coalesce(bit_or(s.flag) filter (where a.status = '出席'), 0) as attended,
           coalesce(bit_or(s.flag) filter (where a.status = '请假'), 0) as excused,
    from lecture_attendance as a
    join numbered as s using (lecture_id)
    group by a.person_id, s.year
)
select o.year::integer as year, o.person_id, o.owed,
       (coalesce(m.attended, 0) & o.owed)::ubigint as attended,
       (coalesce(m.excused, 0) & o.owed)::ubigint as excused,
from owed as o
left join marked as m using (person_id, year)
order by o.year, o.person_id;
