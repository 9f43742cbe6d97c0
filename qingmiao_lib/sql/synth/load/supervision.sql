-- synth/load/supervision.sql — write the simulated supervision from the registered numeric frame(s),
-- mapping codes to the Chinese vocabulary through the _v_* code lists.
insert into supervision
select pid(pid), dn(held), s.value, dn(until)
from _supervision join _v_sup as s on s.code = kind;
