-- synth/load/pool_members.sql — write the simulated pool_members from the registered numeric frame(s),
-- mapping codes to the Chinese vocabulary through the _v_* code lists.
insert into pool_members
select pid(pid), v.value, dn(entered), dn(exited),
       case when pool = 0 then '春季大调研' else '组织推荐' end,
       case when exited is not null then x.value end
from _pools
join _v_pool as v on v.code = pool
join _v_pool_exit as x on x.code = reason;
