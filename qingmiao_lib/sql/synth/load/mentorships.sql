-- synth/load/mentorships.sql — write the simulated mentorships from the registered numeric frame(s),
-- mapping codes to the Chinese vocabulary through the _v_* code lists.
insert into mentorships
select pid(pid), pid(mentor), (['政治导师', '业务导师'])[role + 1], dn(start), dn("end")
from _mentors;
