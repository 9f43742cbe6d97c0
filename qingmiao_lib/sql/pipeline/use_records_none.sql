-- pipeline/use_records_none.sql — point eligibility_records at no rows (eligibility_records_none,
-- pipeline/eligibility_on.sql): the query layer (qingmiao_lib._query.reading) runs it before an
-- eligibility on a stored date (a snapshots row for as_of: the stored branch of eligibility_on
-- gives every row), so the records branch is left out of the plan; the names stay there until a
-- query asks for another variant (it points them back with pipeline/use_records_live.sql).
create or replace temp macro eligibility_records(as_of) as table
    select * from eligibility_records_none(as_of);
