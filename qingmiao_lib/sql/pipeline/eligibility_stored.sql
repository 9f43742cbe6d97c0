-- pipeline/eligibility_stored.sql — eligibility_on_stored(as_of, units := NULL, counties := NULL,
-- per_county := false, county_quotas := NULL): the rows of eligibility_on_live
-- (pipeline/eligibility_on.sql) stored on a few year ends in the table eligibility_snapshots
-- (snapshots/eligibility.sql). units and counties keep the rows whose person is in them, as
-- eligibility_on_live does (by the unit of the main current post; by county_of(person_id)): its
-- holders are counted over the whole jurisdiction either way, so a unit's rows are the rows it
-- has in the whole list. The query layer points eligibility_on here only for a date the table
-- holds, while its stamp is current, and without per_county (the stored rows judge the whole
-- database as one jurisdiction), so those two arguments are not read.
-- Created once the table exists (a macro is bound when created).
-- Grain and columns: those of eligibility_on_live.
create or replace temp macro eligibility_on_stored(as_of, units := null, counties := null,
                                                   per_county := false, county_quotas := null) as table
select * exclude (snapshot_date)
from eligibility_snapshots
where snapshot_date = as_of::date
  and eligibility_wanted(unit_id, person_id, units, counties);
