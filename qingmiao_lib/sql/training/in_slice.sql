-- training/in_slice.sql — training_in_slice(person_id, unit_id, unit_kind, entry_cohort, units,
-- counties, unit_kinds, cohorts): is a row inside the analyst's slice? Each filter list NULL = no
-- filter. counties: county codes, matched against the county of the person's key (county_of,
-- base/macros.sql: a combined database's; it does not depend on where the person is placed).
-- Grain: scalar. Parameters: the row's person_id, unit_id, unit_kind, entry_cohort and the four
-- lists.
create or replace temp macro training_in_slice(person_id, unit_id, unit_kind, entry_cohort,
                                               units, counties, unit_kinds, cohorts) as (
    (units::varchar[] is null or list_contains(units::varchar[], unit_id))
    and (counties::varchar[] is null or list_contains(counties::varchar[], county_of(person_id)))
    and (unit_kinds::varchar[] is null or list_contains(unit_kinds::varchar[], unit_kind::varchar))
    and (cohorts::integer[] is null or list_contains(cohorts::integer[], entry_cohort))
);
