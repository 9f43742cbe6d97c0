-- shortlist/recommendations.sql — the units' recommendations (一推) checked against the personal
-- conditions: who on the list cannot be a candidate, and why.
-- Grain: one row per listed person_id that is not a candidate on $as_of (in the order given).
-- Parameters: $as_of (DATE), $ids (VARCHAR[] person_id as listed).
-- Columns: entry (1..), person_id, name, unit_id, current_rank, next_rank, reasons (Chinese).
with
listed as (
    select unnest($ids::varchar[]) as person_id, unnest(range(1, len($ids::varchar[]) + 1)) as entry,
),
elig as (
    select e.person_id, e.name, e.unit_id, e.current_rank, e.next_rank, e.qualified, e.reasons,
    from eligibility_on($as_of::date) as e
    semi join listed as l on l.person_id = e.person_id
),
final as (
    select l.entry, l.person_id, coalesce(e.name, p.name) as name, e.unit_id,
           e.current_rank::varchar as current_rank, e.next_rank::varchar as next_rank,
           case when p.person_id is null then '人员编号不存在'
                when e.person_id is null then '该日不在职'
                else e.reasons end as reasons,
    from listed as l
    left join persons as p using (person_id)
    left join elig as e using (person_id)
    where not coalesce(e.qualified and e.next_rank is not null, false)
)
select * from final
order by entry;
