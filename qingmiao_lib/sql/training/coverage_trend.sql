-- training/coverage_trend.sql — the coverage matrix by total (training/coverage_matrix.sql with
-- $by = 'total') on 31 December (year_end) of each year of a span, from one pass over the span.
-- Grain: one row per (year, rule) with at least one obligation.
-- Parameters: $first_year, $last_year (INTEGER), $target_ids (VARCHAR[] or NULL), and the slice
--   filters $units, $counties (VARCHAR[]), $unit_kinds (VARCHAR[]), $cohorts (INTEGER[]) — NULL =
--   no filter.
-- Columns: rule, obligations (= covered + pending + missing), covered, due (due date on or before
--   the year's year_end), pending, missing, coverage ((due − missing) / due), year.
-- Method: training_obligations_years — the stored obligations of every year_end of the span
--   (training_obligations_years_stored, table obligation_snapshots) while they may be read, else
--   the live pass (training_obligations_years_live, training/obligations.sql), which reads each
--   year's persons from the stored base layer: training.coverage runs this only when every
--   year_end of the span is stored, and otherwise the coverage matrix year by year — the same
--   answers.
with
obligations as (
    select o.*
    from training_obligations_years(
        $first_year::integer, $last_year::integer, $target_ids::varchar[],
        -- a county slice places too: the unplaced 在职培训 rows are counts without a person
        placed := $units::varchar[] is not null or $unit_kinds::varchar[] is not null
                  or $counties::varchar[] is not null,
        units := $units::varchar[], unit_kinds := $unit_kinds::varchar[]) as o
    where training_in_slice(o.person_id, o.unit_id, o.unit_kind, o.entry_cohort,
                            $units, $counties, $unit_kinds, $cohorts)
),
counted as (
    select
        year, rule,
        sum(n)::bigint as obligations,
        coalesce(sum(n) filter (where status = '已完成'), 0)::bigint as covered,
        coalesce(sum(n) filter (where due_date <= as_of), 0)::bigint as due,
        coalesce(sum(n) filter (where status = '未到期'), 0)::bigint as pending,
        coalesce(sum(n) filter (where status = '未完成'), 0)::bigint as missing,
    from obligations
    group by year, rule
),
final as (
    select
        rule, obligations, covered, due, pending, missing,
        case when due > 0 then (due - missing) / due end as coverage,
        year::bigint as year,
    from counted
)
select * from final
order by
    year,
    case rule when '初任培训' then 1 when '任职培训' then 2 when '专门业务培训' then 3 else 4 end;
