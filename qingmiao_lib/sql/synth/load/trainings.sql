-- synth/load/trainings.sql — write the simulated trainings from the registered numeric frame(s),
-- mapping codes to the Chinese vocabulary through the _v_* code lists.
insert into trainings
select pid(pid), k.value, t.value, case when mode = 1 then '网络学院' else '市委党校' end,
       dn(start), dn("end"), hours, m.value, passed
from _trainings
join _v_tkind as k on k.code = kind
join _v_mode as m on m.code = mode
join _v_topic as t on t.code = topic;
