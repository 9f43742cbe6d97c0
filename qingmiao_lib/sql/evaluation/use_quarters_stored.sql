-- evaluation/use_quarters_stored.sql — point eval_quarter_bits at the stored masks
-- (eval_quarter_bits_stored, evaluation/quarter_masks_stored.sql): the query layer
-- (qingmiao_lib._query.reading) runs it before a query whose range the stored masks hold while
-- their stamp matches (evaluation.py decides); the names stay there until a query asks for another
-- variant (it points them back with evaluation/use_quarters_live.sql).
create or replace temp macro eval_quarter_bits(origin, last_year, as_of, want_units, want_counties,
                                                want_age_group, want_young, want_cohort) as table
    select * from eval_quarter_bits_stored(origin, last_year, as_of, want_units, want_counties,
                                           want_age_group, want_young, want_cohort);
