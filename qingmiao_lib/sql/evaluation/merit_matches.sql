-- evaluation/merit_matches.sql — completed 优秀 blocks (三等功 due) matched to 三等功 rewards.
-- A due merit is recorded when a 三等功 reward is awarded in the block's last year or within the
-- following window years (rules assessment.merit_record_window_years when set, else 1: the award
-- usually follows the annual assessment, early the next year). Windows of one person's blocks
-- never overlap (blocks are >= 3 years apart), so a reward matches at most one block; of two
-- rewards in one window the earlier matches, the later is a reward with no streak behind it.
-- Table macro merit_matches(to_year): blocks completed up to to_year, rewards up to to_year + window.
-- Grain: one row per completed block (block_end not null; awarded_on null = not recorded) plus
-- one row per unmatched 三等功 reward (block_end null).
-- Columns: person_id, run_start, block_start, block_end, window_end (last day to record it),
--   awarded_on, reason.
create or replace temp macro merit_matches(to_year) as table
with
params as (
    select coalesce(rule_num('assessment.merit_record_window_years'), 1)::integer as window_years,
           rule_num('assessment.streak_block_years')::integer as block_years,
),
blocks as (
    select r.person_id, r.run_start, r.year - params.block_years + 1 as block_start,
           r.year as block_end, year_end(r.year + params.window_years) as window_end,
    from excellent_runs(to_year) as r, params
    where r.completes_block
),
merit_rewards as (
    select w.person_id, w.awarded_on, w.reason,
    from rewards as w, params
    where w.kind = '三等功' and year(w.awarded_on) <= to_year + params.window_years
),
candidates as (
    select m.person_id, m.awarded_on, m.reason, b.block_end,
           row_number() over (partition by m.person_id, b.block_end order by m.awarded_on) as nth,
    from merit_rewards as m
    cross join params
    left join blocks as b
        on b.person_id = m.person_id
        and year(m.awarded_on) between b.block_end and b.block_end + params.window_years
),
final as (
    select b.person_id, b.run_start, b.block_start, b.block_end, b.window_end,
           c.awarded_on, c.reason,
    from blocks as b
    left join candidates as c
        on c.person_id = b.person_id and c.block_end = b.block_end and c.nth = 1
    union all
    select person_id, null, null, null, null, awarded_on, reason,
    from candidates
    where block_end is null or nth > 1
)
select * from final;
