-- evaluation/unmatched_rewards.sql — 三等功 rewards with no 优秀 streak behind them: not matched
-- to a completed block by merit_matches (no block ending in the award year or within the window
-- before it, or a second award for a block already recorded). Not necessarily wrong (a 三等功 can
-- be awarded for other service): a list to review.
-- Grain: one row per unmatched 三等功 reward awarded in [$first_year, $year], of persons in the
--   slice on $as_of.
-- Parameters: $first_year, $year, $as_of (31 Dec of $year), slice filters.
-- Columns: person_id, name, unit_id, awarded_on, reason.
with
people as (
    select person_id, name, unit_id,
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], $age_group::varchar,
                    $young::boolean, $cohorts::integer[])
)
select m.person_id, p.name, p.unit_id, m.awarded_on, m.reason,
from merit_matches($year::integer) as m
join people as p using (person_id)
where m.block_end is null and year(m.awarded_on) between $first_year and $year
order by m.awarded_on, m.person_id;
