-- evaluation/quarterly_trend_combo_columns.sql — the derived columns of every mask combination
-- (temp table eval_trend_combos, evaluation/quarterly_trend_combos.sql), in combo_no order:
-- quarterly_trend takes each person's from here by number.
-- Grain: one row per combination. Parameters: none.
-- Columns: those of eval_trend_combos but combo_no and the masks.
select * exclude (combo_no, m0, m1, m2, m3)
from eval_trend_combos
order by combo_no;
