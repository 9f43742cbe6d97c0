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
select
    rule_txt('meta.version') as version,
    rule_num('general.young_age_limit') as young_limit,
    rule_num('mentors.max_mentees') as max_mentees,
    rule_num('practice.outcome_window_years') as outcome_window_years,
    rule_num('assessment.streak_block_years') as streak_block_years,
    rule_num('report.small_cell_threshold') as small_cell_threshold,
    rule_num('training.in_service_min_hours') as in_service_min_hours,
    rule_num('lecture.attendance_threshold') as attendance_threshold,
    rule_num('training.in_service_min_days') as in_service_min_days,
    rule_txt('general.year_end') as year_end;
