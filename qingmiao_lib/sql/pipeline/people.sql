-- pipeline/people.sql — the persons a profile can be drawn for: active on $as_of, in $units,
-- matching $match, the first $limit of them.
-- Grain: one row per person active on $as_of (in $units when given) matching $match.
-- Parameters: $as_of (DATE), $units (VARCHAR[] of unit_id, NULL = all), $counties
--   (VARCHAR[] of county codes, county_of(person_id): a combined database's; NULL = all),
--   $match (VARCHAR, NULL = everyone): the person id begins with it, or the unit's name holds it,
--   or — only with $names (BOOLEAN: the caller shows full names) — the name holds it;
--   $limit (BIGINT, NULL = all): at most this many rows, the first in the order below (a picker
--   lists what a person can read, not a million names).
-- Columns: person_id, name (unmasked: the caller masks), unit_id, unit_name, rank, level, age;
--   ordered by unit_id (none last), person_id.
select s.person_id, s.name, s.unit_id, u.name as unit_name, s.rank::varchar as rank,
       s.level::varchar as level, s.age,
from person_snapshot_at($as_of::date) as s
left join units as u on u.unit_id = s.unit_id
where s.active and ($units is null or list_contains($units::varchar[], s.unit_id))
  and ($counties::varchar[] is null or list_contains($counties::varchar[], county_of(s.person_id)))
  and ($match::varchar is null
       or starts_with(s.person_id, $match::varchar)
       or contains(coalesce(u.name, ''), $match::varchar)
       or ($names::boolean and contains(s.name, $match::varchar)))
order by s.unit_id nulls last, s.person_id
limit $limit::bigint;
