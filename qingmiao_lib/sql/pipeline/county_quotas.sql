-- pipeline/county_quotas.sql — the quotas of some counties over their whole jurisdiction in a
-- year, from a combined database's table county_quotas (qingmiao_lib.combine), for
-- eligibility_on's per_county judgement (bound as a list: a county's own database has no such
-- table, so no query over it can name it).
-- Grain: one row per (county, rank) quota row of the year.
-- Parameters: $as_of (DATE: the year of the quotas), $counties (VARCHAR[] of county codes).
-- Columns: county, rank, max_count.
select county, rank::varchar as rank, max_count::bigint as max_count,
from county_quotas
where year = year($as_of::date) and list_contains($counties::varchar[], county)
order by county, rank;
