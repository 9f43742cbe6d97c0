-- combine/jurisdiction_quotas.sql — one county's quotas over its whole jurisdiction, as rows of
-- quotas again (unit_id empty): what its own database held.
-- Grain: one row per year and rank. Parameters: $county (VARCHAR, the county code).
-- Columns: year, unit_id (NULL), rank, max_count — the columns of quotas.
select year, null::varchar as unit_id, rank, max_count,
from county_quotas
where county = $county
