-- training/people.sql — training_people(as_of): the base snapshot (base/person_snapshot.sql)
-- with a unit for everyone, as the training analyses slice and chase by unit.
-- Grain: one row per person who entered on or before as_of.
-- Parameters: as_of (DATE).
-- Columns: person_id, name, birth_date, entry_channel, entry_date, exit_date, entry_cohort,
--   active, young, first_five, unit_id, unit_kind — unit_id is the main post's unit on as_of
--   (person_snapshot), else the unit of the person's latest post started by then (a person who
--   has left, or who holds no post that day).
create or replace temp macro training_people(as_of) as table
with
snap as (
    select person_id, name, birth_date, entry_channel, entry_date, exit_date, entry_cohort,
           active, young, first_five, unit_id, unit_kind
    from person_snapshot(as_of::date)
    where entry_date <= as_of::date
),
last_unit as (
    -- only for those without a unit that day (mostly the departed): most persons have one
    select s.person_id, arg_max(p.unit_id, p.start_date) as unit_id
    from snap as s
    join posts as p on p.person_id = s.person_id and p.start_date <= as_of::date
    where s.unit_id is null
    group by s.person_id
),
final as (
    select
        s.person_id, s.name, s.birth_date, s.entry_channel, s.entry_date, s.exit_date,
        s.entry_cohort, s.active, s.young, s.first_five,
        coalesce(s.unit_id, lu.unit_id) as unit_id,
        coalesce(s.unit_kind, u.kind)::varchar as unit_kind,
    from snap as s
    left join last_unit as lu on s.unit_id is null and lu.person_id = s.person_id
    left join units as u on u.unit_id = lu.unit_id
)
select * from final;
