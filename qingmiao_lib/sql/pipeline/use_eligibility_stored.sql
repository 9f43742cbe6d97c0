-- pipeline/use_eligibility_stored.sql — point eligibility_on at the rows stored on a year end
-- (eligibility_on_stored, pipeline/eligibility_stored.sql): the query layer
-- (qingmiao_lib._query.reading) runs it before an eligibility query on a date the table
-- eligibility_snapshots holds while it is current, for the whole jurisdiction or some of its
-- units; the name stays there until a query asks for another variant
-- (pipeline/use_eligibility_live.sql points it back).
create or replace temp macro eligibility_on(as_of, units := null, counties := null, per_county := false,
                                            county_quotas := null) as table
    select * from eligibility_on_stored(as_of, units := units, counties := counties,
                                        per_county := per_county, county_quotas := county_quotas);
