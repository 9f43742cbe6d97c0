-- synth/load/posts.sql — write the simulated posts from the registered numeric frame(s),
-- mapping codes to the Chinese vocabulary through the _v_* code lists.
insert into posts
select pid(pid), u.unit_id, t.value,
       (['无', '乡科级副职', '乡科级正职', '县处级副职', '县处级正职'])[level + 1],
       dn(start), dn("end")
from _posts
join _units as u on u.uid = unit
join _v_title as t on t.code = title;
