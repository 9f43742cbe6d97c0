-- shortlist/use_pool_live.sql — point shortlist_pool at the records (shortlist_pool_live,
-- shortlist/pool.sql): the state of every connection between queries. Run by
-- qingmiao_lib.shortlist._stored after a shortlist that read the stored rows.
create or replace temp macro shortlist_pool(as_of, for_rank) as table
    select * from shortlist_pool_live(as_of, for_rank);
