-- person_rank(as_of) — each person's current rank (职级) on a date.
-- Grain: one row per person with a ranks row covering as_of (rank intervals do not overlap;
-- should they, the latest start wins).
-- Parameters: as_of (DATE); enabled (BOOLEAN, default true: false reads no rows — see
--   person_snapshot).
-- Columns: person_id, rank, rank_step (1 = 二级科员), rank_start, rank_months (full months).
create or replace temp macro person_rank(as_of, enabled := true) as table
select r.person_id, rr.rank, rr.step as rank_step, r.rank_start,
       full_months(r.rank_start, as_of) as rank_months,
from (
    select person_id, arg_max(rank, start_date) as rank, max(start_date) as rank_start,
    from ranks
    where enabled and covers(start_date, end_date, as_of)
    group by person_id
) as r
join rule_ranks as rr on rr.rank = r.rank;
