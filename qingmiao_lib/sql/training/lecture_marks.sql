-- training/lecture_marks.sql — training_lecture_months_stored(as_of) and
-- training_lecture_years_stored(as_of): training_lecture_months / training_lecture_years
-- (training/lecture_months.sql) read from the stored bit sets of table lecture_marks
-- (snapshots/lecture_marks.sql) instead of lecture_attendance. Same grain, columns and values.
-- The year's sessions are numbered as when stored ((held_on, lecture_id) order); the bits of the
-- sessions held up to as_of (per month, or all of them) are counted with bit_count.
-- Installed by training.py only when lecture_marks exists (a macro is bound when created) and
-- used only while its stamp in meta matches the records (see training._lecture_source).
-- People as training_people(as_of) (training/people.sql), resolved for the marked persons only.
-- Parameters: as_of (DATE).
create or replace temp macro training_lecture_months_stored(as_of) as table
with
masks as (
    select county, month, bit_or(flag) as mask
    from (
        select county_of(lecture_id) as county, month(held_on) as month, held_on,
               1::ubigint << (row_number() over (partition by county_of(lecture_id)
                                                 order by held_on, lecture_id) - 1)::integer as flag
        from lectures
        where year(held_on) = year(as_of::date)
    )
    where held_on <= as_of::date
    group by county, month
),
marks as (
    select m.person_id, k.month,
           bit_count(m.owed & k.mask)::bigint as sessions,
           bit_count(m.attended & k.mask)::bigint as attended,
           bit_count(m.excused & k.mask)::bigint as excused,
    from lecture_marks as m
    join masks as k on k.county = county_of(m.person_id)
    where m.year = year(as_of::date) and m.owed & k.mask <> 0
),
snap as (
    select s.person_id, s.name, s.unit_id, s.unit_kind::varchar as unit_kind, s.entry_cohort
    from person_snapshot(as_of::date) as s
    -- the persons of the year's stored rows (not of the month rows: ~12 times as many)
    semi join (select person_id from lecture_marks where year = year(as_of::date)) using (person_id)
    where s.entry_date <= as_of::date
),
last_unit as (
    -- as training_people: without a main post on as_of, the unit of the latest post started by
    -- then — looked up for the few persons owing a session who have none, not every departed one
    select * from training_last_unit(
        as_of::date, (select list(person_id) from snap where unit_id is null)
    )
),
people as materialized (
    -- materialized: each person placed once, before the join with the marks (else the optimizer
    -- built its hash table over the marks and probed it with the fallback units)
    select s.person_id, s.name, coalesce(s.unit_id, lu.unit_id) as unit_id,
           coalesce(s.unit_kind, lu.unit_kind) as unit_kind, s.entry_cohort,
    from snap as s
    left join last_unit as lu on s.unit_id is null and lu.person_id = s.person_id
)
select p.person_id, p.name, p.unit_id, p.unit_kind, p.entry_cohort, m.month, m.sessions,
       m.attended, m.excused, m.sessions - m.attended - m.excused as absent,
from marks as m
join people as p using (person_id);

create or replace temp macro training_lecture_years_stored(as_of) as table
with
mask as (
    select county, bit_or(flag) filter (where held_on <= as_of::date) as mask
    from (
        select county_of(lecture_id) as county, held_on,
               1::ubigint << (row_number() over (partition by county_of(lecture_id)
                                                 order by held_on, lecture_id) - 1)::integer as flag
        from lectures
        where year(held_on) = year(as_of::date)
    )
    group by county
),
marks as (
    select m.person_id,
           bit_count(m.owed & k.mask)::hugeint as sessions,
           bit_count(m.attended & k.mask)::hugeint as attended,
           bit_count(m.excused & k.mask)::hugeint as excused,
    from lecture_marks as m
    join mask as k on k.county = county_of(m.person_id)
    where m.year = year(as_of::date) and m.owed & k.mask <> 0
),
snap as (
    select s.person_id, s.name, s.unit_id, s.unit_kind::varchar as unit_kind, s.entry_cohort
    from person_snapshot(as_of::date) as s
    semi join marks using (person_id)
    where s.entry_date <= as_of::date
),
last_unit as (
    -- as training_people: without a main post on as_of, the unit of the latest post started by
    -- then — looked up for the few persons owing a session who have none, not every departed one
    select * from training_last_unit(
        as_of::date, (select list(person_id) from snap where unit_id is null)
    )
),
people as materialized (
    -- materialized: each person placed once, before the join with the marks (else the optimizer
    -- built its hash table over the marks and probed it with the fallback units)
    select s.person_id, s.name, coalesce(s.unit_id, lu.unit_id) as unit_id,
           coalesce(s.unit_kind, lu.unit_kind) as unit_kind, s.entry_cohort,
    from snap as s
    left join last_unit as lu on s.unit_id is null and lu.person_id = s.person_id
)
select p.person_id, p.name, p.unit_id, p.unit_kind, p.entry_cohort, m.sessions, m.attended,
       m.excused, m.sessions - m.attended - m.excused as absent,
from marks as m
join people as p using (person_id);
