-- shortlist/summary.sql — the shortlist's headline per rank and quota scope (SPEC §9 *Places*,
-- *Shortlist*): 个人条件符合 N · 职数空缺 M · 建议人选 K · 备选 B.
-- Grain: one row per next rank with a candidate or a quota row in year($as_of), and scope: the
-- jurisdiction (unit_id NULL, 全辖区) always; a unit where a quota of the year names one.
-- Parameters: $as_of (DATE), $recommended (VARCHAR[] | NULL), $rank (VARCHAR | NULL), $county
--   (VARCHAR county code of a combined database | NULL: the whole database) and $county_quotas
--   (that county's rows of the table county_quotas for year($as_of), a list of STRUCT(county,
--   rank, max_count) | NULL): with $county the jurisdiction is that county, as its own database
--   has it — its candidates, its holders, its units' quotas and its jurisdiction quotas.
-- Columns: rank, rank_step, unit_id, unit_name, quota (NULL: none set), holders, places (M;
--   NULL when no quota), candidates (N), suggested (K), alternates (B = N − K), tied_at_cut
--   (candidates tied across a cut in the scope).
with
ranked as (
    select * from shortlist_ranked($as_of::date, $recommended::varchar[], for_rank := $rank::varchar,
                                   for_county := $county::varchar, county_quotas := $county_quotas)
    where $rank is null or next_rank::varchar = $rank
),
holders as (
    -- holders on the date by rank over the jurisdiction (unit_id NULL) and per unit of the main
    -- post, as eligibility_on counts them (with $county: that county's persons)
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
    where year = year($as_of::date) and ($rank is null or rank::varchar = $rank)
      and ($county::varchar is null or county_of(unit_id) = $county::varchar)
    group by unit_id, rank
    union all
    select null::varchar as unit_id, q.rank::rank_name as rank, min(q.max_count)::integer as max_count,
    from (select unnest($county_quotas::struct(county varchar, rank varchar, max_count bigint)[],
                        recursive := true)) as q
    where q.county = $county::varchar and ($rank is null or q.rank = $rank)
    group by q.rank
),
scopes as (
    select next_rank as rank, null::varchar as unit_id from ranked
    union
    select rank, null::varchar from quota
    union
    select rank, unit_id from quota where unit_id is not null
),
counted as (
    select s.rank, s.unit_id, count(r.person_id) as candidates,
           count(r.person_id) filter (where r.suggested) as suggested,
           count(r.person_id) filter (where r.tied_at_cut) as tied_at_cut,
    from scopes as s
    left join ranked as r on r.next_rank = s.rank and (s.unit_id is null or r.unit_id = s.unit_id)
    group by s.rank, s.unit_id
),
final as (
    select c.rank::varchar as rank, rr.step as rank_step, c.unit_id,
           coalesce(u.name, c.unit_id, '全辖区') as unit_name,
           q.max_count as quota, coalesce(h.n, 0) as holders,
           case when q.max_count is not null then greatest(q.max_count - coalesce(h.n, 0), 0) end as places,
           c.candidates, c.suggested, c.candidates - c.suggested as alternates, c.tied_at_cut,
    from counted as c
    join rule_ranks as rr on rr.rank = c.rank
    left join units as u on u.unit_id = c.unit_id
    left join quota as q on q.rank = c.rank and q.unit_id is not distinct from c.unit_id
    left join holders as h on h.rank = c.rank and h.unit_id is not distinct from c.unit_id
)
select * from final
order by rank_step, unit_id nulls first;
