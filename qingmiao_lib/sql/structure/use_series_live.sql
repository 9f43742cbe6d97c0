-- structure/use_series_live.sql — point structure_series at series_full (structure/series_full.sql:
-- every column, derived from the histories): the state of a fresh connection and after
-- qingmiao_lib.db.install_all. Run by the query layer (qingmiao_lib._query.reading) when a query
-- asks for the live computation and the names point elsewhere.
create or replace temp macro structure_series(first_year, last_year) as table
    select * from series_full(first_year, last_year);
