-- training/use_obligations_stored.sql — point training_obligations at the stored table
-- obligation_snapshots (training_obligations_stored, training/obligations_stored.sql): the
-- query layer (qingmiao_lib._query.reading) runs it before a query on a stored date while the
-- table's stamp matches and no target group is named (training.coverage decides); the name stays
-- there until a query asks for another variant (training/use_obligations_live.sql points it back).
create or replace temp macro training_obligations(as_of, target_ids, rules := null, units := null,
                                                  counties := null, unit_kinds := null,
                                                  cohorts := null) as table
    select * from training_obligations_stored(as_of, target_ids, rules := rules, units := units,
                                              counties := counties, unit_kinds := unit_kinds,
                                              cohorts := cohorts);
