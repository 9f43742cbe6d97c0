-- evaluation/quarter_masks_stored.sql — eval_quarter_bits_stored(origin, last_year, as_of,
-- want_units, want_counties, want_age_group, want_young, want_cohort): eval_quarter_bits_live
-- (evaluation/quarter_masks.sql) read from the stored masks (table quarter_masks, snapshots/
-- quarter_masks.sql) instead of grouping every quarter row. Installed by the query layer once the
-- table exists (a macro is bound when created); evaluation/use_quarters_stored.sql points
-- eval_quarter_bits at it while the stamp matches and [origin, last_year] lies in the stored 16
-- years (evaluation.py decides).
-- The stored masks count their bits from the first stored year's Q1 (meta quarter_masks_base):
-- shifted right by (origin − base) · 4 and cut to the range's (last_year − origin + 1) · 4
-- quarters (at most 60: evaluation._MASK_YEARS), they are the masks the records give, bit i =
-- quarter i from origin Q1. A person without a grade in the range has no row, as from the records.
-- The slice arguments are not read: eval_quarter_masks joins the masks with the slice's persons.
-- Grain and columns: those of eval_quarter_bits_live (person_id, b0, b1, b2, b3).
create or replace temp macro eval_quarter_bits_stored(origin, last_year, as_of, want_units,
                                                       want_counties, want_age_group, want_young,
                                                       want_cohort) as table
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
where b0 | b1 | b2 | b3 <> 0::ubigint;
