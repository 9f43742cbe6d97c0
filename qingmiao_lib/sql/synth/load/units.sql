-- synth/load/units.sql — write the simulated units from the registered numeric frame(s),
-- mapping codes to the Chinese vocabulary through the _v_* code lists.
insert into units
select unit_id, name, (select value from _v_kind where code = kind)::unit_kind, null
from _units;
