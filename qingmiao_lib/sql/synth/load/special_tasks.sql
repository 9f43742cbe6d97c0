-- synth/load/special_tasks.sql — write the simulated special_tasks from the registered numeric frame(s),
-- mapping codes to the Chinese vocabulary through the _v_* code lists.
insert into special_tasks
select pid(pid), t.value, dn(start), (['突出', '良好', '一般'])[rating + 1]
from _tasks join _v_task as t on t.code = task;
