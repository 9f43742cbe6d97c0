-- base/table_checksums.sql — each record table's row count and the sum of its rows' hashes, for
-- qingmiao_lib.provenance.data_checksum (independent of row order), in one statement.
-- The tables are the import contract's (qingmiao_lib.contract.TABLES), written out here in
-- name order; tests/test_provenance.py keeps this list equal to the contract's.
-- Grain: one row per contract table. Parameters: none.
-- Columns: table_name, row_count, hash_sum (HUGEINT: the sum of hash(row)), present (the table
--   is a stored table of the file — false for the empty temporary stand-ins a read-only file of
--   an older version gets, which the checksum leaves out).
with counts as (
    select 'annual_assessments' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from annual_assessments as t
    union all
    select 'education_history' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from education_history as t
    union all
    select 'lecture_attendance' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from lecture_attendance as t
    union all
    select 'lectures' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from lectures as t
    union all
    select 'mentorships' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from mentorships as t
    union all
    select 'persons' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from persons as t
    union all
    select 'pool_members' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from pool_members as t
    union all
    select 'posts' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from posts as t
    union all
    select 'practices' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from practices as t
    union all
    select 'quotas' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from quotas as t
    union all
    select 'ranks' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from ranks as t
    union all
    select 'regular_assessments' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from regular_assessments as t
    union all
    select 'resume_entries' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from resume_entries as t
    union all
    select 'rewards' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from rewards as t
    union all
    select 'special_tasks' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from special_tasks as t
    union all
    select 'supervision' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from supervision as t
    union all
    select 'trainings' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
    from trainings as t
    union all
    select 'units' as table_name, count(*) as row_count, coalesce(sum(hash(t)::hugeint), 0) as hash_sum
   
    from units as t
),

stored as (
    select distinct table_name from duckdb_tables() where not temporary and schema_name = 'main'
),

final as (
    select
        c.table_name,
        c.row_count,
        c.hash_sum,
        c.table_name in (select table_name from stored) as present,
    from counts as c
)

select * from final order by table_name;
