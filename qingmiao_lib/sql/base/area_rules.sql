-- base/area_rules.sql — the rules the analysis areas read besides their SQL (labels, attrs,
-- defaults): qingmiao_lib._query.rules reads this once per analysis call and keeps, as a typed
-- record, meta.version, general.young_age_limit, mentors.max_mentees,
-- practice.outcome_window_years, assessment.streak_block_years, report.small_cell_threshold,
-- training.in_service_min_hours, lecture.attendance_threshold, training.in_service_min_days and
-- general.year_end ('MM-DD'). A rule the file does not set has no row (NULL, as rule_num()
-- gives it).
-- Grain: one row per rule (a few dozen). Parameters: none. Columns: name, num, txt.
-- Every row as it is: a filter on the names (an IN list) costs ~0.5 ms more to plan than the
-- other rows cost to read, a filtered aggregate per rule ~1 ms more, ten rule_num() lookups ~17 ms.
select name, num, txt
from rule_params;
