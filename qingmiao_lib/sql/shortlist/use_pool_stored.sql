-- shortlist/use_pool_stored.sql — point shortlist_pool at the stored rows
-- (shortlist_pool_stored, shortlist/pool_stored.sql): run by qingmiao_lib.shortlist._stored
-- before a shortlist on a stored, current date, and shortlist/use_pool_live.sql after it.
create or replace temp macro shortlist_pool(as_of, for_rank) as table
    select * from shortlist_pool_stored(as_of, for_rank);
