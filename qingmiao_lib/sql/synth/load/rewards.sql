-- synth/load/rewards.sql — write the simulated rewards from the registered numeric frame(s),
-- mapping codes to the Chinese vocabulary through the _v_* code lists.
insert into rewards
select pid(pid), dn("on"), r.value,
       (['年度考核优秀', '连续三年年度考核优秀', '专项工作表现突出'])[reason + 1]
from _rewards join _v_reward as r on r.code = kind;
