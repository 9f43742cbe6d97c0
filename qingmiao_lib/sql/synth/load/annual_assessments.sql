-- synth/load/annual_assessments.sql — write the simulated annual_assessments from the registered numeric frame(s),
-- mapping codes to the Chinese vocabulary through the _v_* code lists.
insert into annual_assessments
select pid(pid), year, g.value from _annual join _v_grade as g on g.code = grade;
