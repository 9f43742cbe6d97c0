-- evaluation/quarterly_trend_drop.sql — drop the temp tables of the quarterly trend
-- (evaluation/quarterly_trend_masked.sql, evaluation/quarterly_trend_combos.sql) once read.
drop table if exists eval_trend_masked;
drop table if exists eval_trend_combos;
