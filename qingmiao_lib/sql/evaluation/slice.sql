-- evaluation/slice.sql — the persons of a slice on a date: person_snapshot_at(as_of) with the
-- evaluation filters applied (each NULL = no filter) and the age group (eval_age_group) added.
-- Table macro eval_slice(as_of, want_units, want_counties, want_age_group, want_young,
-- want_cohort); grain: one row per person in persons (active or not: callers filter). want_units
-- is a VARCHAR[] of unit_id (the person's main unit on as_of), want_counties a VARCHAR[] of
-- county codes (the county of the person's key, county_of in base/macros.sql: a combined
-- database's), want_age_group a label of eval_age_group, want_young a BOOLEAN, want_cohort an
-- INTEGER[] of entry years.
create or replace temp macro eval_slice(as_of, want_units, want_counties, want_age_group, want_young,
                                        want_cohort) as table
with
limits as (
    select rule_num('general.young_age_limit')::integer as lim
),
people as (
    select s.*, eval_age_group(s.age, limits.lim) as age_group,
    from person_snapshot_at(as_of) as s, limits
)
select *
from people
where (want_units is null or list_contains(want_units, unit_id))
  and (want_counties is null or list_contains(want_counties, county_of(person_id)))
  and (want_age_group is null or age_group = want_age_group)
  and (want_young is null or young = want_young)
  and (want_cohort is null or list_contains(want_cohort, entry_cohort));
