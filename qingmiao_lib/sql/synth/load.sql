-- synth/load.sql — write the simulated county from registered numeric frames (_persons, _posts …)
-- into the schema, mapping codes to the Chinese vocabulary through the _v_* code lists.
-- Person numbers become person_id 'GP' + 8 digits; day numbers become dates.
create or replace temp macro pid(i) as ('GP' || lpad(i::varchar, 8, '0'));
create or replace temp macro dn(d) as (date '1970-01-01' + d::integer);

insert into units
select unit_id, name, (select value from _v_kind where code = kind)::unit_kind, null
from _units;

insert into persons
select
    pid(pid), name, case when female then '女' else '男' end, ethnicity, dn(birth),
    political_status, dn(party_join), e.value, degree, full_time, dn(work_start), dn(entry),
    c.value, dn(exit), nullif(x.value, '')
from _persons
join _v_edu as e on e.code = edu
join _v_channel as c on c.code = channel
join _v_exit as x on x.code = exit_reason;

insert into posts
select pid(pid), u.unit_id, t.value,
       (['无', '乡科级副职', '乡科级正职', '县处级副职', '县处级正职'])[level + 1],
       dn(start), dn("end")
from _posts
join _units as u on u.uid = unit
join _v_title as t on t.code = title;

insert into ranks
select pid(pid), rr.rank, dn(start), dn("end"), r.value
from _ranks
join rule_ranks as rr on rr.step = _ranks.step
join _v_reason as r on r.code = reason;

insert into pool_members
select pid(pid), v.value, dn(entered), dn(exited),
       case when pool = 0 then '春季大调研' else '组织推荐' end,
       case when exited is not null then x.value end
from _pools
join _v_pool as v on v.code = pool
join _v_pool_exit as x on x.code = reason;

insert into trainings
select pid(pid), k.value, t.value, case when mode = 1 then '网络学院' else '市委党校' end,
       dn(start), dn("end"), hours, m.value, passed
from _trainings
join _v_tkind as k on k.code = kind
join _v_mode as m on m.code = mode
join _v_topic as t on t.code = topic;

insert into mentorships
select pid(pid), pid(mentor), (['政治导师', '业务导师'])[role + 1], dn(start), dn("end")
from _mentors;

insert into practices
select pid(pid), p.value, dn(start), dn("end"), r.value
from _practices
join _v_program as p on p.code = program
left join _v_rating as r on r.code = rating;

insert into annual_assessments
select pid(pid), year, g.value from _annual join _v_grade as g on g.code = grade;

insert into regular_assessments
select pid(pid), year, quarter, (['好', '较好', '一般', '较差'])[grade + 1] from _quarterly;

insert into special_tasks
select pid(pid), t.value, dn(start), (['突出', '良好', '一般'])[rating + 1]
from _tasks join _v_task as t on t.code = task;

insert into rewards
select pid(pid), dn("on"), r.value,
       (['年度考核优秀', '连续三年年度考核优秀', '专项工作表现突出'])[reason + 1]
from _rewards join _v_reward as r on r.code = kind;

insert into supervision
select pid(pid), dn(held), s.value, dn(until)
from _supervision join _v_sup as s on s.code = kind;

insert into quotas
select year, null, rr.rank, max_count from _quotas join rule_ranks as rr on rr.step = _quotas.step;
