-- shortlist/pool_stored.sql — shortlist_pool_stored(as_of, for_rank): shortlist_pool_live
-- (shortlist/pool.sql) read from the table shortlist_pool that refresh_snapshots stores on the latest
-- 31 Decembers (snapshots/shortlist_pool_store.sql) instead of computed from the records.
-- Installed by the shortlist once the table exists (a macro is bound when created);
-- shortlist/use_pool_stored.sql points shortlist_pool at it while the table's stamp matches
-- and it holds as_of (qingmiao_lib.shortlist._stored decides).
-- Grain and columns: those of shortlist_pool_live.
-- Arguments: as_of (DATE), for_rank (VARCHAR or NULL).
create or replace temp macro shortlist_pool_stored(as_of, for_rank) as table
-- three branches, each with a filter the scan applies itself (the table is stored in rank
-- order, so one rank's rows skip most row groups): every row, or a rank's holders, or the
-- holders of the rank below (next_rank = for_rank; never the same person: next = current + 1)
select * exclude (snapshot_date) from shortlist_pool
where snapshot_date = as_of::date and for_rank is null
union all
select * exclude (snapshot_date) from shortlist_pool
where snapshot_date = as_of::date and current_rank = for_rank::rank_name
union all
select * exclude (snapshot_date) from shortlist_pool
where snapshot_date = as_of::date and next_rank = for_rank::rank_name;
