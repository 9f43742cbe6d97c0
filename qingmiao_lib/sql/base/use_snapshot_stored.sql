-- base/use_snapshot_stored.sql — point person_snapshot_at at the stored rows
-- (person_snapshot_stored, base/person_snapshot.sql): the query layer (qingmiao_lib._query.reading)
-- runs it before a query on a date the table snapshots holds; the names stay there until a query
-- asks for another variant (it points them back with base/use_snapshot_live.sql).
create or replace temp macro person_snapshot_at(as_of) as table
    select * from person_snapshot_stored(as_of);
