-- training/coverage_matrix.sql — the four training rules as a coverage matrix.
-- Grain: one row per (rule, group) with at least one obligation; group is the slice dimension
--   chosen by $by ('total' → one group '合计').
-- Parameters: $as_of (DATE), $target_ids (VARCHAR[] or NULL), $by ('total' | 'unit' |
--   'unit_kind' | 'entry_cohort' | 'county' — county_of(person_id), a combined database's;
--   checked against an allowlist in Python), and the slice filters
--   $units, $counties (VARCHAR[]), $unit_kinds (VARCHAR[]), $cohorts (INTEGER[]) — each NULL for
--   no filter.
-- Columns: rule, group_id, group_name, obligations (= covered + pending + missing), covered,
--   due (due date on or before as_of), pending, missing, coverage ((due − missing) / due).
with
obligations as (
    select o.*
    from training_obligations($as_of::date, $target_ids::varchar[]) as o
    where training_in_slice(o.person_id, o.unit_id, o.unit_kind, o.entry_cohort,
                            $units, $counties, $unit_kinds, $cohorts)
),
grouped as (
    select
        rule,
        case $by::varchar
            when 'unit' then coalesce(unit_id, '')
            when 'unit_kind' then coalesce(unit_kind::varchar, '')
            when 'entry_cohort' then entry_cohort::varchar
            when 'county' then county_of(person_id)
            else '合计'
        end as group_id,
        status,
        due_date <= $as_of::date as due,
    from obligations
),
counted as (
    select
        rule, group_id,
        count(*) as obligations,
        count(*) filter (where status = '已完成') as covered,
        count(*) filter (where due) as due,
        count(*) filter (where status = '未到期') as pending,
        count(*) filter (where status = '未完成') as missing,
    from grouped
    group by rule, group_id
),
final as (
    select
        c.rule,
        c.group_id,
        case
            when $by::varchar = 'unit' then coalesce(u.name, '（无单位）')
            when c.group_id = '' then '（未知）'
            else c.group_id
        end as group_name,
        c.obligations, c.covered, c.due, c.pending, c.missing,
        case when c.due > 0 then (c.due - c.missing) / c.due end as coverage,
    from counted as c
    left join units as u on $by::varchar = 'unit' and u.unit_id = c.group_id
)
select * from final
order by
    case rule when '初任培训' then 1 when '任职培训' then 2 when '专门业务培训' then 3 else 4 end,
    group_id;
