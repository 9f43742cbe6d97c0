-- shortlist/what_if.sql — quota use after a list of promotions (the what-if of the shortlist):
-- each promoted person leaves their rank and takes the new one in the same unit (main post).
-- Grain: one row per quota row of year($as_of), plus a jurisdiction row (quota NULL) for each
-- rank promoted into that has none.
-- Parameters: $as_of (DATE), $ids (VARCHAR[] person_id), $to_ranks (VARCHAR[] new rank), both
--   checked first (shortlist/promotions.sql), $county (VARCHAR county code of a combined
--   database | NULL) and $county_quotas (that county's rows of the table county_quotas for
--   year($as_of), a list of STRUCT(county, rank, max_count) | NULL): with $county the quotas and
--   holders are that county's, its jurisdiction quotas included, as its own database has them.
-- Columns: year, unit_id (NULL = jurisdiction), unit_name, rank, rank_step, quota, holders
--   (on $as_of), promoted_in, promoted_out, holders_after, places_before, places_after
--   (quota − holders, negative when over), over_quota (holders_after > quota).
with
moves as (
    select m.person_id, m.to_rank::rank_name as to_rank, s.rank as from_rank, s.unit_id,
    from (select unnest($ids::varchar[]) as person_id, unnest($to_ranks::varchar[]) as to_rank) as m
    join person_snapshot($as_of::date) as s using (person_id)
),
holders as (
    select rank, case when grouping(unit_id) = 0 then unit_id end as unit_id, count(*) as n,
    from person_snapshot($as_of::date)
    where active and rank is not null
      and ($county::varchar is null or county_of(person_id) = $county::varchar)
    group by grouping sets ((rank), (rank, unit_id))
    having grouping(unit_id) = 1 or unit_id is not null
),
quota as (
    -- the quotas of the year (with $county: its units'), then its jurisdiction quotas
    select unit_id, rank, min(max_count) as max_count,
    from quotas
    where year = year($as_of::date) and ($county::varchar is null or county_of(unit_id) = $county::varchar)
    group by unit_id, rank
    union all
    select null::varchar as unit_id, q.rank::rank_name as rank, min(q.max_count)::integer as max_count,
    from (select unnest($county_quotas::struct(county varchar, rank varchar, max_count bigint)[],
                        recursive := true)) as q
    where q.county = $county::varchar
    group by q.rank
),
scopes as (
    select unit_id, rank, max_count from quota
    union all
    select distinct null, to_rank, null::integer from moves
    where to_rank not in (select rank from quota where unit_id is null)
),
counted as (
    select s.unit_id, s.rank, s.max_count,
           (select count(*) from moves as m
            where m.to_rank = s.rank and (s.unit_id is null or m.unit_id = s.unit_id)) as promoted_in,
           (select count(*) from moves as m
            where m.from_rank = s.rank and (s.unit_id is null or m.unit_id = s.unit_id)) as promoted_out,
    from scopes as s
),
final as (
    select year($as_of::date) as year, c.unit_id, coalesce(u.name, c.unit_id, '全辖区') as unit_name,
           c.rank::varchar as rank, rr.step as rank_step, c.max_count as quota,
           coalesce(h.n, 0) as holders, c.promoted_in, c.promoted_out,
           coalesce(h.n, 0) + c.promoted_in - c.promoted_out as holders_after,
           c.max_count - coalesce(h.n, 0) as places_before,
           c.max_count - (coalesce(h.n, 0) + c.promoted_in - c.promoted_out) as places_after,
           coalesce(coalesce(h.n, 0) + c.promoted_in - c.promoted_out > c.max_count, false) as over_quota,
    from counted as c
    join rule_ranks as rr on rr.rank = c.rank
    left join units as u on u.unit_id = c.unit_id
    left join holders as h on h.rank = c.rank and h.unit_id is not distinct from c.unit_id
)
select * from final
order by unit_id nulls first, rank_step;
