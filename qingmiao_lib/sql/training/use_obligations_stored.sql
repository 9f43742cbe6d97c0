-- training/use_obligations_stored.sql — point training_obligations and training_obligations_years
-- at the stored table obligation_snapshots (training_obligations_stored and
-- training_obligations_years_stored, training/obligations_stored.sql): the
-- query layer (qingmiao_lib._query.reading) runs it before a query on a stored date while the
-- table's stamp matches and no target group is named (training.coverage decides); the names
-- stay there until a query asks for another variant (training/use_obligations_live.sql points them
-- back).
create or replace temp macro training_obligations(as_of, target_ids, rules := null, units := null,
                                                  counties := null, unit_kinds := null,
                                                  cohorts := null) as table
    select * from training_obligations_stored(as_of, target_ids, rules := rules, units := units,
                                              counties := counties, unit_kinds := unit_kinds,
                                              cohorts := cohorts);
create or replace temp macro training_obligations_years(first_year, last_year, target_ids,
                                                        placed := true, units := null,
                                                        unit_kinds := null) as table
    select * from training_obligations_years_stored(first_year, last_year, target_ids,
                                                    placed := placed, units := units,
                                                    unit_kinds := unit_kinds);
