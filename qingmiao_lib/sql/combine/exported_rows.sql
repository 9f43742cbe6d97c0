-- combine/exported_rows.sql — rows per county of one table as written to Parquet (hive layout),
-- read back from the files: what the export reports and checks.
-- Grain: one row per county present. Parameters: $files (VARCHAR glob of the table's files).
-- Columns: county, rows.
select county, count(*) as rows,
from read_parquet($files, hive_partitioning = true)
group by county
order by county
