-- base/area_rules.sql — the rules the analysis areas read besides their SQL (labels, attrs,
-- defaults): qingmiao_lib._query.rules reads them in one query as a typed record instead of one
-- lookup each: meta.version, general.young_age_limit, mentors.max_mentees,
-- practice.outcome_window_years, assessment.streak_block_years, report.small_cell_threshold,
-- training.in_service_min_hours, lecture.attendance_threshold, training.in_service_min_days,
-- general.year_end ('MM-DD'). A rule the file does not set has no row (NULL, as rule_num()
-- gives it).
-- Grain: one row per rule of the list. Parameters: none. Columns: name, num, txt.
-- The rows as they are: a filtered aggregate per rule (one row, ten columns) costs ~1 ms more
-- to plan than this costs to read, and ten rule_num() lookups ~17 ms.
select name, num, txt
from rule_params
where name in ('meta.version', 'general.young_age_limit', 'mentors.max_mentees',
               'practice.outcome_window_years', 'assessment.streak_block_years',
               'report.small_cell_threshold', 'training.in_service_min_hours',
               'lecture.attendance_threshold', 'training.in_service_min_days', 'general.year_end');
