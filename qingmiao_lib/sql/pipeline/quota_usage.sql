-- pipeline/quota_usage.sql — quota (职数) usage on a date: holders of each rank against the
-- quotas set for year(as_of), over the whole jurisdiction (unit_id NULL) or the unit named.
-- Grain: one row per quota row of year(as_of) (unit or jurisdiction, rank).
-- Parameters: $as_of (DATE).
-- Columns: year, unit_id, unit_name ('全辖区' for the jurisdiction), rank, rank_step, max_count,
--   holders (active persons holding the rank on as_of, in the unit when one is named), headroom.
with
holders as (
    select unit_id, rank, count(*) as n,
    from person_snapshot_at($as_of::date)
    where active and rank is not null
    group by unit_id, rank
),
quota as (
    select year, unit_id, rank, min(max_count) as max_count,
    from quotas
    where year = year($as_of::date)
    group by year, unit_id, rank
),
final as (
    select q.year, q.unit_id, coalesce(u.name, '全辖区') as unit_name, q.rank::varchar as rank,
           rr.step as rank_step, q.max_count,
           coalesce(sum(h.n), 0)::bigint as holders,
           q.max_count - coalesce(sum(h.n), 0)::bigint as headroom,
    from quota as q
    join rule_ranks as rr on rr.rank = q.rank
    left join units as u on u.unit_id = q.unit_id
    left join holders as h on h.rank = q.rank and (q.unit_id is null or h.unit_id = q.unit_id)
    group by q.year, q.unit_id, u.name, q.rank, rr.step, q.max_count
)
select * from final
order by unit_id nulls first, rank_step;
