-- training/coverage_matrix.sql — the four training rules as a coverage matrix, by one slice
-- dimension or several at once (the obligations computed once for all of them).
-- Grain: one row per (dimension, rule, group) with at least one obligation; group is a value of
--   the dimension ('total' → one group '合计'); the dimensions' rows follow one another in the
--   order $by names them — the rows of that many one-dimension queries, concatenated.
-- Parameters: $as_of (DATE), $target_ids (VARCHAR[] or NULL), $by (VARCHAR[], each 'total' |
--   'unit' | 'unit_kind' | 'entry_cohort' | 'county' — county_of(person_id), a combined
--   database's; checked against an allowlist in Python), and the slice filters
--   $units, $counties (VARCHAR[]), $unit_kinds (VARCHAR[]), $cohorts (INTEGER[]) — each NULL for
--   no filter.
-- Columns: rule, group_id, group_name, obligations (= covered + pending + missing), covered,
--   due (due date on or before as_of), pending, missing, coverage ((due − missing) / due).
with
obligations as (
    -- the slice's obligations: the macro computes only its persons' (their unit is found there)
    select o.*
    from training_obligations($as_of::date, $target_ids::varchar[], units := $units::varchar[],
                              counties := $counties::varchar[], unit_kinds := $unit_kinds::varchar[],
                              cohorts := $cohorts::integer[]) as o
),
dimensions as (
    -- the dimensions named, each with its place in $by (the two lists unnest side by side)
    select unnest($by::varchar[]) as dimension, unnest(range(1, len($by::varchar[]) + 1)) as position,
),
cells as (
    -- the obligations counted once per rule and group of every dimension named; a dimension not
    -- named is one NULL group (its condition is constant once the values are bound, so the
    -- columns it would read are not read at all, as in a query for one dimension)
    select
        rule,
        case when list_contains($by::varchar[], 'unit') then coalesce(unit_id, '') end as by_unit,
        case when list_contains($by::varchar[], 'unit_kind') then coalesce(unit_kind::varchar, '') end
            as by_unit_kind,
        case when list_contains($by::varchar[], 'entry_cohort') then entry_cohort::varchar end
            as by_entry_cohort,
        case when list_contains($by::varchar[], 'county') then county_of(person_id) end as by_county,
        count(*) as obligations,
        count(*) filter (where status = '已完成') as covered,
        count(*) filter (where due_date <= $as_of::date) as due,
        count(*) filter (where status = '未到期') as pending,
        count(*) filter (where status = '未完成') as missing,
    from obligations
    group by all
),
placed as not materialized (
    -- each cell once per dimension named, with its group in that dimension
    select
        d.position, d.dimension, c.rule,
        case d.dimension
            when 'unit' then c.by_unit
            when 'unit_kind' then c.by_unit_kind
            when 'entry_cohort' then c.by_entry_cohort
            when 'county' then c.by_county
            else '合计'
        end as group_id,
        c.obligations, c.covered, c.due, c.pending, c.missing,
    from cells as c
    cross join dimensions as d
),
counted as (
    -- one dimension: its groups are the cells; several: each dimension's groups summed over the
    -- others' groups (few rows). One branch runs: the other's condition is false once the
    -- values are bound
    select * from placed where len($by::varchar[]) = 1
    union all
    select
        position, dimension, rule, group_id,
        sum(obligations)::bigint as obligations,
        sum(covered)::bigint as covered,
        sum(due)::bigint as due,
        sum(pending)::bigint as pending,
        sum(missing)::bigint as missing,
    from placed
    where len($by::varchar[]) > 1
    group by position, dimension, rule, group_id
),
final as (
    select
        c.position,
        c.rule,
        c.group_id,
        case
            when c.dimension = 'unit' then coalesce(u.name, '（无单位）')
            when c.group_id = '' then '（未知）'
            else c.group_id
        end as group_name,
        c.obligations, c.covered, c.due, c.pending, c.missing,
        case when c.due > 0 then (c.due - c.missing) / c.due end as coverage,
    from counted as c
    left join units as u on c.dimension = 'unit' and u.unit_id = c.group_id
)
select * exclude (position) from final
order by
    position,
    case rule when '初任培训' then 1 when '任职培训' then 2 when '专门业务培训' then 3 else 4 end,
    group_id;
