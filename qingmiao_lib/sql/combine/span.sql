-- combine/span.sql — the years a combined database covers: from the earliest county's first
-- data year to the latest county's last (each county's own span is in counties).
-- Grain: one row. Columns: data_from, data_to (NULL when no county states one).
select min(data_from) as data_from, max(data_to) as data_to,
from counties
