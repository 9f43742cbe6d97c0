-- snapshots/shortlist_pool.sql — create the table shortlist_pool, empty: what the shortlist
-- reads of each active person (shortlist_pool_live, shortlist/pool.sql: the eligibility's
-- verdict and tenure, the 三优先 measures of the candidates) stored on 31 December of the
-- latest shortlist.POOL_YEARS years refresh_snapshots stores (one
-- snapshots/shortlist_pool_store.sql per date), so the shortlist
-- on such a date reads one row per person instead of computing the eligibility and the measures
-- over the whole history (issue 21: one rank ≤ 1 s at 1,000,000 persons). Read back by
-- shortlist_pool_stored (shortlist/pool_stored.sql) while snapshots/shortlist_stamp.sql still
-- matches the stamp stored in meta ('shortlist_pool_stamp') and the table holds the date.
-- Grain: one row per stored date and person active on it. Parameters: none.
-- Columns: snapshot_date, then those of shortlist_pool_live.
create or replace table shortlist_pool (
    snapshot_date date not null,
    person_id varchar not null,
    name varchar,
    unit_id varchar,
    current_rank rank_name,
    next_rank rank_name,
    next_step integer,
    qualified boolean,
    candidate boolean,
    tenure_basis varchar,
    tenure_months bigint,
    excellent_years bigint,
    birth_date date,
    heavy_years bigint,
    heavy_tasks bigint,
    heavy_months bigint,
    frontline_months bigint,
    by_unit boolean,
    by_program boolean,
    left_level post_level,
    left_on date,
    left_excluded boolean,
    retirement_date date
    -- (snapshot_date, person_id) is unique by construction (eligibility_on: one row per
    -- person); no declared key, as for snapshots
);
