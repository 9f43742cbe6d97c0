-- base/use_snapshot_live.sql — point person_snapshot_at at the computation from the records
-- (person_snapshot_live, base/person_snapshot_live.sql): the state of a fresh connection and after
-- qingmiao_lib.db.install_all, and the path of a date the table snapshots does not hold. Run by the
-- query layer (qingmiao_lib._query.reading) when a query asks for it and the names point elsewhere.
create or replace temp macro person_snapshot_at(as_of) as table
    select * from person_snapshot_live(as_of);
