-- training/in_slice.sql — training_in_slice(unit_id, unit_kind, entry_cohort, units, unit_kinds,
-- cohorts): is a row inside the analyst's slice? Each filter list NULL = no filter.
-- Grain: scalar. Parameters: the row's unit_id, unit_kind, entry_cohort and the three lists.
create or replace temp macro training_in_slice(unit_id, unit_kind, entry_cohort, units, unit_kinds, cohorts) as (
    (units::varchar[] is null or list_contains(units::varchar[], unit_id))
    and (unit_kinds::varchar[] is null or list_contains(unit_kinds::varchar[], unit_kind::varchar))
    and (cohorts::integer[] is null or list_contains(cohorts::integer[], entry_cohort))
);
