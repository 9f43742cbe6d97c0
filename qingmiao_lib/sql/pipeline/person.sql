-- pipeline/person.sql — one person's name, for the profile's title (masked by the caller).
-- Grain: one row when $person_id exists, none otherwise.
-- Parameters: $person_id (VARCHAR).
select name from persons where person_id = $person_id;
