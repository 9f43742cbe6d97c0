-- pipeline/quota_usage.sql — quota (职数) usage on a date: holders of each rank against the
-- quotas set for year(as_of), over the whole jurisdiction (unit_id NULL) or the unit named.
-- With $counties (a combined database's), the quotas of those counties' units, and each county's
-- own jurisdiction quotas ($county_quotas, from its table county_quotas) against the holders in
-- that county: what each county's own database gives.
-- Grain: one row per quota row of year(as_of) (unit or jurisdiction, rank; with $counties, a
--   jurisdiction row per county and rank).
-- Parameters: $as_of (DATE), $counties (VARCHAR[] of county codes, county_of(person_id); NULL =
--   all), $county_quotas (the county_quotas rows of year($as_of) of those counties as a list of
--   {county, rank, max_count}; NULL without $counties).
-- Columns: year, unit_id, unit_name ('全辖区' for the jurisdiction), rank, rank_step, max_count,
--   holders (active persons holding the rank on as_of, in the unit when one is named, else in
--   the jurisdiction: with $counties, the county's), headroom.
with
holders as (
    -- county: '' without $counties (the one jurisdiction), else the person's county
    select case when $counties::varchar[] is null then '' else county_of(person_id) end as county,
           unit_id, rank, count(*) as n,
    from person_snapshot_at($as_of::date)
    where active and rank is not null
      and ($counties::varchar[] is null or list_contains($counties::varchar[], county_of(person_id)))
    group by all
),
quota as (
    -- the quotas rows of the year (with $counties: of those counties' units; a combined
    -- database keeps no jurisdiction row there), then each county's jurisdiction quotas
    select year, '' as county, unit_id, rank, min(max_count) as max_count,
    from quotas
    where year = year($as_of::date)
      and ($counties::varchar[] is null or list_contains($counties::varchar[], county_of(unit_id)))
    group by year, unit_id, rank
    union all
    select year($as_of::date)::smallint as year, q.county, null::varchar as unit_id,
           q.rank::rank_name as rank, min(q.max_count) as max_count,
    from (select unnest($county_quotas::struct(county varchar, rank varchar, max_count integer)[],
                        recursive := true)) as q
    group by q.county, q.rank
),
final as (
    select q.year, q.unit_id, coalesce(u.name, '全辖区') as unit_name, q.rank::varchar as rank,
           rr.step as rank_step, q.max_count,
           coalesce(sum(h.n), 0)::bigint as holders,
           q.max_count - coalesce(sum(h.n), 0)::bigint as headroom,
           q.county,
    from quota as q
    join rule_ranks as rr on rr.rank = q.rank
    left join units as u on u.unit_id = q.unit_id
    left join holders as h
      on h.rank = q.rank and (h.unit_id = q.unit_id or q.unit_id is null and h.county = q.county)
    group by q.year, q.county, q.unit_id, u.name, q.rank, rr.step, q.max_count
)
select * exclude (county) from final
order by unit_id nulls first, rank_step, county;
