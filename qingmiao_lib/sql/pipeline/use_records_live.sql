-- pipeline/use_records_live.sql — point eligibility_records at the records
-- (eligibility_records_live, pipeline/eligibility_on.sql): the state of every connection between
-- queries. Run by the query layer (qingmiao_lib._query.reading) after a query on a stored date.
create or replace temp macro eligibility_records(as_of) as table
    select * from eligibility_records_live(as_of);
