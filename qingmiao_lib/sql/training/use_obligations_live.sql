-- training/use_obligations_live.sql — point training_obligations and training_obligations_years
-- at the live computations from the records (training_obligations_live and
-- training_obligations_years_live, training/obligations.sql): the state of a fresh
-- connection and after qingmiao_lib.db.install_all. Run by the query layer
-- (qingmiao_lib._query.reading) when a query asks for the live computation and the name points
-- elsewhere.
create or replace temp macro training_obligations(as_of, target_ids, rules := null, units := null,
                                                  counties := null, unit_kinds := null,
                                                  cohorts := null) as table
    select * from training_obligations_live(as_of, target_ids, rules := rules, units := units,
                                            counties := counties, unit_kinds := unit_kinds,
                                            cohorts := cohorts);
create or replace temp macro training_obligations_years(first_year, last_year, target_ids,
                                                        placed := true, units := null,
                                                        unit_kinds := null) as table
    select * from training_obligations_years_live(first_year, last_year, target_ids, placed := placed,
                                                  units := units, unit_kinds := unit_kinds);
