-- pipeline/hold_forget.sql — remove one date's rows from held_eligibility
-- (pipeline/hold_table.sql): qingmiao_lib.pipeline.holding keeps the last few dates used.
-- Parameters: $as_of (DATE).
delete from held_eligibility where held_on = $as_of::date;
