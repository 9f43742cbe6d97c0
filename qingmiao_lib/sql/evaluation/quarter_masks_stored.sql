-- evaluation/quarter_masks_stored.sql — the bits CTE of eval_quarter_masks (evaluation/
-- quarter_masks.sql) read from the stored masks (table quarter_masks, snapshots/
-- quarter_masks.sql) instead of grouping every quarter row: the text that replaces its graded
-- and bits CTEs in the twin eval_quarter_masks_stored, which evaluation.py uses while the stamp
-- matches and the range [origin, last_year] lies in the stored 16 years.
-- Not a query on its own: one CTE of that macro, reading its origin and last_year.
-- The stored masks count their bits from the first stored year's Q1 (meta quarter_masks_base):
-- shifted right by (origin − base) · 4 and cut to the range's (last_year − origin + 1) · 4
-- quarters (at most 60: evaluation._MASK_YEARS), they are the masks the records give, bit i =
-- quarter i from origin Q1. A person without a grade in the range has no row, as from the records.
bits as (
    select person_id, b0, b1, b2, b3,
    from (
        select m.person_id,
               (m.q0 >> w.shift) & w.keep as b0, (m.q1 >> w.shift) & w.keep as b1,
               (m.q2 >> w.shift) & w.keep as b2, (m.q3 >> w.shift) & w.keep as b3,
        from quarter_masks as m,
             (select ((origin - value::integer) * 4)::ubigint as shift,
                     (1::ubigint << ((last_year - origin + 1) * 4)::ubigint) - 1::ubigint as keep,
              from meta
              where key = 'quarter_masks_base') as w
    )
    where b0 | b1 | b2 | b3 <> 0::ubigint
),
