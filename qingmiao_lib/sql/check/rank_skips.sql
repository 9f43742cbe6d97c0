-- check/rank_skips.sql — promotions (晋升) more than one step up the ladder (rules: rule_ranks)
-- from the person's previous rank. Grain: one row per skipping promotion.
with seq as (
    select person_id, reason, rank,
           lag(rank) over (partition by person_id order by start_date) as prev_rank,
    from ranks
)
select s.person_id as example
from seq as s
join rule_ranks as a on a.rank = s.prev_rank
join rule_ranks as b on b.rank = s.rank
where s.reason = '晋升' and b.step > a.step + 1
