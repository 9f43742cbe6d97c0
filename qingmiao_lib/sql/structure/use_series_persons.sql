-- structure/use_series_persons.sql — point structure_series at series_persons
-- (structure/series_persons.sql: the person-level columns only): the query layer
-- (qingmiao_lib._query.reading) runs it before an over_time whose dimensions and filters need no
-- post, rank or pool (qingmiao_lib.structure decides), and structure/use_series_live.sql after it.
create or replace temp macro structure_series(first_year, last_year) as table
    select * from series_persons(first_year, last_year);
