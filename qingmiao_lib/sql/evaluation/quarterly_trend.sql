-- evaluation/quarterly_trend.sql — each person's quarterly (平时考核) trend over recent quarters.
-- Over the quarters [$first_year Q1, $year Q4]: the grades in order, how many of each, the first
-- and last grade, the change (score of the last minus score of the first: 好 4, 较好 3, 一般 2,
-- 较差 1; negative = worse) and the declines (a quarter strictly worse than the quarter just
-- before it; a missing quarter breaks the comparison; equal grades are no decline).
-- Grain: one row per person of the slice active on $as_of with at least one quarterly grade.
-- Parameters: $first_year, $year, $as_of (31 Dec of $year), slice filters.
-- Columns: person_id, name, unit_id, quarters, grades (e.g. '好→较好→一般'), good, fairly_good,
--   ordinary, poor, first_grade, last_grade (quarter_grade: evaluation.py makes them text), change,
--   declines.
-- Method (no window function, one group-by): each person's grades of the range become four
-- 64-bit masks, one per grade, bit i = quarter i of the range ($first_year Q1 = bit 0), so the
-- range must be at most 15 years (evaluation.quarterly_trend runs quarterly_trend_long.sql
-- beyond). The masks are aggregated before the join with the slice, then cut to the years the
-- person was active in (the rule of valid_quarter_grades, from the same entry and exit dates).
-- A decline is a bit of a worse grade's mask whose previous bit is in a better grade's mask.
-- The columns after unit_id depend on the masks only: they are worked out once per distinct
-- combination of masks (a few thousand for a million persons), and only the person columns and
-- the combination's number go through the sort. Three statements, run by
-- evaluation.quarterly_trend on one connection:
--   quarterly_trend_masked.sql — temp table eval_trend_masked: the slice's persons with a grade
--     in the range and their four masks;
--   quarterly_trend_combos.sql — temp table eval_trend_combos: one row per distinct combination
--     of masks (combo_no, numbered in mask order) with every derived column;
--   this file — the persons in order, each with the number of its combination; Python takes the
--     derived columns from eval_trend_combos by that number.
-- This statement: Grain one row per person of eval_trend_masked, ordered by change, declines
-- (most first) and person. Parameters: none. Columns: person_id, name, unit_id, combo_no.
select p.person_id, p.name, p.unit_id, c.combo_no,
from eval_trend_masked as p
join eval_trend_combos as c using (m0, m1, m2, m3)
order by c.change, c.declines desc, p.person_id;
