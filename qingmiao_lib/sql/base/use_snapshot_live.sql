-- base/use_snapshot_live.sql — point person_snapshot_at at the computation from the records
-- (person_snapshot_live, base/person_snapshot_live.sql): the state of every connection between
-- queries, and the path of a date the table snapshots does not hold. Run by the query layer
-- (qingmiao_lib._query.run).
create or replace temp macro person_snapshot_at(as_of) as table
    select * from person_snapshot_live(as_of);
