-- training/in_service_hours.sql — the hours of the 在职培训 list (training/in_service.sql)
-- without its person columns: what a distribution of the year's credited hours needs (the
-- report's histogram and medians), a few numbers per person instead of twenty-odd columns — at
-- national scale the list is millions of rows.
-- Grain: one row per person of training/in_service.sql (training_in_service_rows), in no
--   particular order.
-- Parameters: $as_of (DATE), and the slice filters $units, $counties (VARCHAR[]), $unit_kinds
--   (VARCHAR[]), $cohorts (INTEGER[]) — each NULL for no filter.
-- Columns: meets (covered), need_hours, have_hours, shortfall_hours — each as in_service.sql
--   computes it, by the same macros.
with
rows as (
    select status, have_hours, rule_num('training.in_service_min_hours') as need_hours,
    from training_in_service_rows($as_of::date, $units, $counties, $unit_kinds, $cohorts)
)
select
    status = '已完成' as meets, need_hours, have_hours,
    training_shortfall(status, need_hours, have_hours) as shortfall_hours,
from rows;
