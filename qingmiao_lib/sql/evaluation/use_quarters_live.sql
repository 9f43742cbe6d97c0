-- evaluation/use_quarters_live.sql — point eval_quarter_bits at the grade rows
-- (eval_quarter_bits_live, evaluation/quarter_masks.sql): the state of a fresh connection and after
-- qingmiao_lib.db.install_all. Run by the query layer (qingmiao_lib._query.reading) when a query
-- asks for the live computation and the names point elsewhere.
create or replace temp macro eval_quarter_bits(origin, last_year, as_of, want_units, want_counties,
                                                want_age_group, want_young, want_cohort) as table
    select * from eval_quarter_bits_live(origin, last_year, as_of, want_units, want_counties,
                                         want_age_group, want_young, want_cohort);
