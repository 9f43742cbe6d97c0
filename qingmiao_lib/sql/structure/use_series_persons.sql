-- structure/use_series_persons.sql — point structure_series at series_persons
-- (structure/series_persons.sql: the person-level columns only): the query layer
-- (qingmiao_lib._query.reading) runs it before an over_time whose dimensions and filters need no
-- post, rank or pool (qingmiao_lib.structure decides); the names stay there until a query asks for
-- another variant (it points them back with structure/use_series_live.sql).
create or replace temp macro structure_series(first_year, last_year) as table
    select * from series_persons(first_year, last_year);
