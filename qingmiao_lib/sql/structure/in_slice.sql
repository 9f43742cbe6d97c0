-- structure/in_slice.sql — in_slice(...): is one person-row inside the analyst's slice?
-- A scalar macro (loaded by qingmiao_lib.structure before its queries), so the snapshot on one
-- date (person_snapshot) and the year-end series (series_*) are filtered by the same rule.
-- Arguments: the row's person_id, unit_id, unit_kind, gender, education, entry_cohort,
--   in_young_pool, in_two_type_pool, young, first_five; then the filters, each NULL for "no
--   filter": f_units (VARCHAR[] of unit_id), f_counties (VARCHAR[] of county codes: the county
--   of the person's key, county_of in base/macros.sql — a combined database only), f_unit_kinds,
--   f_genders, f_educations (VARCHAR[]), f_cohorts (INTEGER[] of entry years), f_pool (VARCHAR:
--   年轻公务员库/两型干部库), f_young, f_first_five (BOOLEAN).
create or replace temp macro in_slice(
    person_id, unit_id, unit_kind, gender, education, entry_cohort, in_young_pool,
    in_two_type_pool, young, first_five,
    f_units, f_counties, f_unit_kinds, f_genders, f_educations, f_cohorts, f_pool, f_young,
    f_first_five
) as (
    (f_units is null or list_contains(f_units, unit_id))
    and (f_counties is null or list_contains(f_counties, county_of(person_id)))
    and (f_unit_kinds is null or list_contains(f_unit_kinds, unit_kind::varchar))
    and (f_genders is null or list_contains(f_genders, gender::varchar))
    and (f_educations is null or list_contains(f_educations, education::varchar))
    and (f_cohorts is null or list_contains(f_cohorts, entry_cohort))
    and (f_pool is null
         or (f_pool = '年轻公务员库' and in_young_pool)
         or (f_pool = '两型干部库' and in_two_type_pool))
    and (f_young is null or young = f_young)
    and (f_first_five is null or first_five = f_first_five)
);
