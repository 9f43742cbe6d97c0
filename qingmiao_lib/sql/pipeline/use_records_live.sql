-- pipeline/use_records_live.sql — point eligibility_records at the records
-- (eligibility_records_live, pipeline/eligibility_on.sql): the state of a fresh connection and
-- after qingmiao_lib.db.install_all. Run by the query layer (qingmiao_lib._query.reading) when a
-- query asks for the live computation and the names point elsewhere.
create or replace temp macro eligibility_records(as_of) as table
    select * from eligibility_records_live(as_of);
