-- pipeline/hold.sql — hold the eligibility of every person active on $as_of (eligibility_on_live,
-- pipeline/eligibility_on.sql, the whole database as one jurisdiction) in the temporary table
-- held_eligibility (pipeline/hold_table.sql): qingmiao_lib.pipeline.holding runs it for a date
-- the table does not hold, while the records and rules are those its rows were computed from.
-- Grain: inserts one row per person active on $as_of. Parameters: $as_of (DATE).
insert into held_eligibility
select $as_of::date as held_on, *
from eligibility_on_live($as_of::date);
