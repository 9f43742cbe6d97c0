-- pipeline/use_eligibility_live.sql — point eligibility_on at the computation from the records
-- (eligibility_on_live, pipeline/eligibility_on.sql): the state of a fresh connection and after
-- qingmiao_lib.db.install_all. Run by the query layer (qingmiao_lib._query.reading) when an
-- eligibility query asks for it and the name points elsewhere.
create or replace temp macro eligibility_on(as_of, units := null, counties := null, per_county := false,
                                            county_quotas := null) as table
    select * from eligibility_on_live(as_of, units := units, counties := counties,
                                      per_county := per_county, county_quotas := county_quotas);
