-- base/area_rules.sql — the rules the analysis areas read besides their SQL (labels, attrs,
-- defaults), in one row: qingmiao_lib._query.rules reads them once per analysis call as a typed
-- record instead of one lookup each.
-- Grain: one row. Parameters: none.
-- Columns: version (meta.version), young_limit (general.young_age_limit), max_mentees
--   (mentors.max_mentees), outcome_window_years (practice.outcome_window_years, NULL when the
--   rules set none), streak_block_years (assessment.streak_block_years), small_cell_threshold
--   (report.small_cell_threshold), in_service_min_hours (training.in_service_min_hours),
--   attendance_threshold (lecture.attendance_threshold), in_service_min_days
--   (training.in_service_min_days), year_end (general.year_end, 'MM-DD').
-- One pass over rule_params with a filter per column: ten rule_num() lookups are ten scalar
-- subqueries, whose join order DuckDB spends ~17 ms planning; this plans in well under 1 ms. A
-- rule the file does not set is NULL, as rule_num() gives it.
select
    max(txt) filter (where name = 'meta.version') as version,
    max(num) filter (where name = 'general.young_age_limit') as young_limit,
    max(num) filter (where name = 'mentors.max_mentees') as max_mentees,
    max(num) filter (where name = 'practice.outcome_window_years') as outcome_window_years,
    max(num) filter (where name = 'assessment.streak_block_years') as streak_block_years,
    max(num) filter (where name = 'report.small_cell_threshold') as small_cell_threshold,
    max(num) filter (where name = 'training.in_service_min_hours') as in_service_min_hours,
    max(num) filter (where name = 'lecture.attendance_threshold') as attendance_threshold,
    max(num) filter (where name = 'training.in_service_min_days') as in_service_min_days,
    max(txt) filter (where name = 'general.year_end') as year_end
from rule_params;
