-- training/people.sql — the persons the training analyses count, each in a unit.
--
-- training_last_unit(as_of, person_ids): the unit a person without a main post on as_of counts
-- in for the training analyses — that of the latest post started by then (a person who has left,
-- or who holds no post that day); of two started the same day, the greatest unit_id (as
-- person_post breaks its ties; max of a struct compares field by field).
-- Grain: one row per listed person with a post started by as_of.
-- Parameters: as_of (DATE), person_ids (VARCHAR[]: the persons to place, usually few: the
--   lookup then builds its hash table over them and probes posts, not the other way round).
-- Columns: person_id, unit_id, unit_kind (the enum of units.kind).
create or replace temp macro training_last_unit(as_of, person_ids) as table
select l.person_id, l.unit_id, u.kind as unit_kind
from (
    select p.person_id, max({'start_date': p.start_date, 'unit_id': p.unit_id}).unit_id as unit_id
    from posts as p
    where p.start_date <= as_of::date and p.person_id in (select unnest(person_ids::varchar[]))
    group by p.person_id
) as l
left join units as u on u.unit_id = l.unit_id;

-- training_people(as_of, departed := true): the base snapshot
-- (base/person_snapshot.sql) with a unit for everyone, as the training analyses slice and chase
-- by unit.
-- Grain: one row per person who entered on or before as_of.
-- Parameters: as_of (DATE); departed (BOOLEAN, default true): false looks up the latest post only
--   for active persons without a unit that day, so a person who has left keeps the snapshot's
--   unit (NULL once their posts closed) — for an analysis that reads only active persons' units
--   (the mentor ones), sparing the lookup for every departed person (~0.2 s at a million).
-- Columns: person_id, name, birth_date, entry_channel, entry_date, exit_date, entry_cohort,
--   active, young, first_five, unit_id, unit_kind — unit_id is the main post's unit on as_of
--   (person_snapshot), else the unit of the person's latest post started by then (a person who
--   has left, or who holds no post that day).
create or replace temp macro training_people(as_of, departed := true) as table
with
snap as (
    select person_id, name, birth_date, entry_channel, entry_date, exit_date, entry_cohort,
           active, young, first_five, unit_id, unit_kind
    from person_snapshot(as_of::date)
    where entry_date <= as_of::date
),
last_unit as (
    -- only for those without a unit that day (mostly the departed): most persons have one
    select * from training_last_unit(
        as_of::date,
        (select list(person_id) from snap where unit_id is null and (departed or active))
    )
),
final as (
    select
        s.person_id, s.name, s.birth_date, s.entry_channel, s.entry_date, s.exit_date,
        s.entry_cohort, s.active, s.young, s.first_five,
        coalesce(s.unit_id, lu.unit_id) as unit_id,
        coalesce(s.unit_kind, lu.unit_kind)::varchar as unit_kind,
    from snap as s
    left join last_unit as lu on s.unit_id is null and lu.person_id = s.person_id
)
select * from final;
