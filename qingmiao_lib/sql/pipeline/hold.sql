-- pipeline/hold.sql — hold the eligibility of every person active on $as_of (eligibility_on_live,
-- pipeline/eligibility_on.sql, the whole database as one jurisdiction) in the temporary table
-- held_eligibility, which lives as long as the connection: read back by eligibility_on_held
-- (pipeline/eligibility_held.sql) while qingmiao_lib.pipeline.holding holds that date and the
-- records and rules are those it was computed from.
-- Grain: one row per person active on $as_of. Parameters: $as_of (DATE).
-- Columns: held_on ($as_of), then those of eligibility_on_live.
create or replace temp table held_eligibility as
select $as_of::date as held_on, *
from eligibility_on_live($as_of::date);
