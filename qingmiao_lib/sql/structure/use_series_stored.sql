-- structure/use_series_stored.sql — point structure_series at series_stored
-- (structure/series_stored.sql: the stored base layer, table snapshots): the query layer
-- (qingmiao_lib._query.reading) runs it before an over_time whose every year-end is stored
-- (qingmiao_lib.structure decides); the names stay there until a query asks for another variant (it
-- points them back with structure/use_series_live.sql).
create or replace temp macro structure_series(first_year, last_year) as table
    select * from series_stored(first_year, last_year);
