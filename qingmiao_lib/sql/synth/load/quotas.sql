-- synth/load/quotas.sql — write the simulated quotas from the registered numeric frame(s),
-- mapping codes to the Chinese vocabulary through the _v_* code lists.
insert into quotas
select year, null, rr.rank, max_count from _quotas join rule_ranks as rr on rr.step = _quotas.step;
