-- pipeline/hold_table.sql — create the temporary table held_eligibility, empty (anew when it
-- exists): the eligibility of every person active on a few dates, for a viewer asking them again
-- and again (qingmiao_lib.pipeline.holding; rows added by pipeline/hold.sql, a date's removed by
-- pipeline/hold_forget.sql), read back by eligibility_on_held (pipeline/eligibility_held.sql).
-- It lives as long as the connection.
-- Grain: one row per date held and person active on it. Parameters: none.
-- Columns: held_on (the date), then those of eligibility_on_live (pipeline/eligibility_on.sql).
create or replace temp table held_eligibility as
select current_date as held_on, *
from eligibility_on_live(current_date)
with no data;
