-- synth/load/practices.sql — write the simulated practices from the registered numeric frame(s),
-- mapping codes to the Chinese vocabulary through the _v_* code lists.
insert into practices
select pid(pid), p.value, dn(start), dn("end"), r.value
from _practices
join _v_program as p on p.code = program
left join _v_rating as r on r.code = rating;
