-- evaluation/use_quarters_live.sql — point eval_quarter_bits at the grade rows
-- (eval_quarter_bits_live, evaluation/quarter_masks.sql): the state of every connection between
-- queries. Run by the query layer (qingmiao_lib._query.reading) after a query that read the
-- stored masks.
create or replace temp macro eval_quarter_bits(origin, last_year, as_of, want_units, want_counties,
                                                want_age_group, want_young, want_cohort) as table
    select * from eval_quarter_bits_live(origin, last_year, as_of, want_units, want_counties,
                                         want_age_group, want_young, want_cohort);
