-- evaluation/merits.sql — 三等功 due for completed 3-year 优秀 blocks, and whether recorded.
-- Matching as in merit_matches: recorded = a 三等功 reward in the block's last year or within the
-- window after it. status: 已记功 (recorded), 未记功 (window over on $data_to, nothing
-- recorded), 待记功 (window still open on the last day of the data, $data_to).
-- Grain: one row per completed block whose last year is in [$first_year, $year], of persons in
--   the slice on $as_of (active or not on that day: a merit is owed to a leaver too).
-- Parameters: $first_year, $year, $as_of (31 Dec of $year), slice filters $units, $counties,
--   $age_group, $young, $cohorts.
-- Columns: person_id, name, unit_id, block_start, block_end (the year the merit is due),
--   window_end, awarded_on, recorded, status.
with
data_end as (
    select make_date(coalesce(
        (select max(try_cast(value as integer)) from meta where key = 'data_to'),
        (select max(year) from annual_assessments))::bigint, 12, 31) as d
),
people as (
    select person_id, name, unit_id,
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], $age_group::varchar,
                    $young::boolean, $cohorts::integer[])
),
blocks as (
    select * from merit_matches($year::integer)
    where block_end between $first_year and $year
)
select b.person_id, p.name, p.unit_id, b.block_start::integer as block_start,
       b.block_end::integer as block_end, b.window_end, b.awarded_on,
       b.awarded_on is not null as recorded,
       case when b.awarded_on is not null then '已记功'
            when b.window_end > (select d from data_end) then '待记功'
            else '未记功' end as status,
from blocks as b
join people as p using (person_id)
order by b.block_end, b.person_id;
