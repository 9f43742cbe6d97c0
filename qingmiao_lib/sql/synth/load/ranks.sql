-- synth/load/ranks.sql — write the simulated ranks from the registered numeric frame(s),
-- mapping codes to the Chinese vocabulary through the _v_* code lists.
insert into ranks
select pid(pid), rr.rank, dn(start), dn("end"), r.value
from _ranks
join rule_ranks as rr on rr.step = _ranks.step
join _v_reason as r on r.code = reason;
