-- pipeline/eligibility_held.sql — eligibility_on_held(as_of, units := NULL, counties := NULL,
-- per_county := false, county_quotas := NULL): the rows of eligibility_on_live
-- (pipeline/eligibility_on.sql) held for a few dates in the temporary table held_eligibility
-- (pipeline/hold_table.sql), for a viewer that asks the same dates again and again (the
-- eligibility explorer's horizon, unit and rank: qingmiao_lib.pipeline.holding). units and
-- counties keep the rows whose person is in them, as eligibility_on_live does (by the unit of
-- the main current post; by county_of(person_id)): its holders are counted over the whole
-- jurisdiction either way, so a unit's rows are the rows it has in the whole list. The query
-- layer points eligibility_on here only for a date held and without per_county (the held rows
-- judge the whole database as one jurisdiction), so those two arguments are not read.
-- Created once the table exists (a macro is bound when created).
-- Grain and columns: those of eligibility_on_live.
create or replace temp macro eligibility_on_held(as_of, units := null, counties := null,
                                                 per_county := false, county_quotas := null) as table
select * exclude (held_on)
from held_eligibility
where held_on = as_of::date
  and eligibility_wanted(unit_id, person_id, units, counties);
