-- evaluation/quarterly_trend_masked.sql — the first statement of the quarterly trend (see
-- evaluation/quarterly_trend.sql): the slice's persons active on $as_of with at least one
-- quarterly grade in [$first_year Q1, $year Q4], with their four quarter masks
-- (evaluation/quarter_masks.sql; bit i = quarter i from $first_year Q1).
-- Grain: creates the temp table eval_trend_masked, one row per such person.
-- Parameters: $first_year, $year, $as_of (31 Dec of $year), slice filters $units, $counties,
--   $age_group, $young, $cohorts.
-- Columns: person_id, name, unit_id, m0 (好), m1 (较好), m2 (一般), m3 (较差).
create or replace temp table eval_trend_masked as
select person_id, name, unit_id, m0, m1, m2, m3,
from eval_quarter_masks($first_year, $year, $as_of, $units, $counties, $age_group, $young,
                        $cohorts)
where m0 | m1 | m2 | m3 <> 0;
