-- training/use_obligations_live.sql — point training_obligations at the live computation from
-- the records (training_obligations_live, training/obligations.sql): the state of a fresh
-- connection and after qingmiao_lib.db.install_all. Run by the query layer
-- (qingmiao_lib._query.reading) when a query asks for the live computation and the name points
-- elsewhere.
create or replace temp macro training_obligations(as_of, target_ids, rules := null, units := null,
                                                  counties := null, unit_kinds := null,
                                                  cohorts := null) as table
    select * from training_obligations_live(as_of, target_ids, rules := rules, units := units,
                                            counties := counties, unit_kinds := unit_kinds,
                                            cohorts := cohorts);
