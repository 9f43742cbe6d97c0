-- structure/use_series_live.sql — point structure_series at series_full (structure/series_full.sql:
-- every column, derived from the histories): the state of every connection between queries. Run
-- by the query layer (qingmiao_lib._query.reading) after a query that read another series.
create or replace temp macro structure_series(first_year, last_year) as table
    select * from series_full(first_year, last_year);
