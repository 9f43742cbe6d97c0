-- pipeline/use_eligibility_held.sql — point eligibility_on at the rows held for a few dates
-- (eligibility_on_held, pipeline/eligibility_held.sql): the query layer
-- (qingmiao_lib._query.reading) runs it before an eligibility query on the date
-- qingmiao_lib.pipeline.holding holds, for the whole jurisdiction or some of its units; the name
-- stays there until a query asks for another variant (pipeline/use_eligibility_live.sql points it
-- back).
create or replace temp macro eligibility_on(as_of, units := null, counties := null, per_county := false,
                                            county_quotas := null) as table
    select * from eligibility_on_held(as_of, units := units, counties := counties,
                                      per_county := per_county, county_quotas := county_quotas);
