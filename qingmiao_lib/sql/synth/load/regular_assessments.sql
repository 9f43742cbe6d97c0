-- synth/load/regular_assessments.sql — write the simulated regular_assessments from the registered numeric frame(s),
-- mapping codes to the Chinese vocabulary through the _v_* code lists.
insert into regular_assessments
select pid(pid), year, quarter, (['好', '较好', '一般', '较差'])[grade + 1] from _quarterly;
