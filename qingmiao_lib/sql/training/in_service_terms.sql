-- training/in_service_terms.sql — what training/in_service.sql leaves out because it is the same
-- for every person of the year of $as_of, and the units' names.
-- Grain: one row. Parameters: $as_of (DATE).
-- Columns: y0 (1 January: event date and window start), due_date (the year_end), need_days,
--   need_hours (the rules' minimums), days_overdue (as_of − due date: for a missing row),
--   days_left (due date − as_of: for a pending row), unit_ids and unit_names (every unit, the
--   two lists in the same order).
select
    make_date(year($as_of::date), 1, 1) as y0,
    year_end(year($as_of::date))::date as due_date,
    rule_num('training.in_service_min_days') as need_days,
    rule_num('training.in_service_min_hours') as need_hours,
    date_diff('day', year_end(year($as_of::date)), $as_of::date) as days_overdue,
    date_diff('day', $as_of::date, year_end(year($as_of::date))) as days_left,
    -- (an empty list, not NULL, without units)
    coalesce((select list(unit_id order by unit_id) from units), []::varchar[]) as unit_ids,
    coalesce((select list(name order by unit_id) from units), []::varchar[]) as unit_names;
