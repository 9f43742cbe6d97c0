-- snapshots/quarter_masks.sql — store each person's quarterly (平时考核) grades of the last 16 data
-- years as four 64-bit masks (table quarter_masks), so the quarterly trend and declines need not
-- group every quarter row (~4 million a year at 1 million persons) by person: they shift the
-- stored masks to their range instead (evaluation/quarter_masks_stored.sql).
-- Bit (year − $base) · 4 + quarter − 1 of q<g> is set when the person's grade of that quarter is
-- the g-th quarter_grade (q0 好, q1 较好, q2 一般, q3 较差): the years $base … $base + 15.
-- Depends on: regular_assessments only (the cut to the years a person was active is applied
-- when read, from persons); snapshots/quarter_stamp.sql fingerprints it, stored in meta
-- ('quarter_masks_stamp') with the first year ('quarter_masks_base') next to the table.
-- Grain: one row per person with a quarterly grade in the 16 years.
-- Parameters: $base (INTEGER: the last data year − 15, db.refresh_snapshots).
-- Columns: person_id, q0, q1, q2, q3 (UBIGINT; 0 without such a grade).
create or replace table quarter_masks as
select
    person_id,
    coalesce(bit_or(1::ubigint << ((year - $base::integer) * 4 + quarter - 1)::ubigint)
             filter (where grade = '好'), 0::ubigint) as q0,
    coalesce(bit_or(1::ubigint << ((year - $base::integer) * 4 + quarter - 1)::ubigint)
             filter (where grade = '较好'), 0::ubigint) as q1,
    coalesce(bit_or(1::ubigint << ((year - $base::integer) * 4 + quarter - 1)::ubigint)
             filter (where grade = '一般'), 0::ubigint) as q2,
    coalesce(bit_or(1::ubigint << ((year - $base::integer) * 4 + quarter - 1)::ubigint)
             filter (where grade = '较差'), 0::ubigint) as q3,
from regular_assessments
where year between $base::integer and $base::integer + 15
group by person_id;
