-- synth/load/persons.sql — write the simulated persons from the registered numeric frame(s),
-- mapping codes to the Chinese vocabulary through the _v_* code lists.
insert into persons
select
    pid(pid), name, case when female then '女' else '男' end, ethnicity, dn(birth),
    political_status, dn(party_join), e.value, degree, full_time, dn(work_start), dn(entry),
    c.value, dn(exit), nullif(x.value, '')
from _persons
join _v_edu as e on e.code = edu
join _v_channel as c on c.code = channel
join _v_exit as x on x.code = exit_reason;
