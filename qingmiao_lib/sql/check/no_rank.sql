-- check/no_rank.sql — people in service on $as_of past their probation (rules:
-- general.probation_months) holding no rank that day. Grain: one row per person.
select p.person_id as example
from persons as p
where active_on(p.entry_date, p.exit_date, $as_of)
  and p.entry_date + to_months(rule_num('general.probation_months')::integer) <= $as_of
  and not exists (select 1 from ranks as r where r.person_id = p.person_id and covers(r.start_date, r.end_date, $as_of))
