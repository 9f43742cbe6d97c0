-- evaluation/merit_matches.sql — completed 优秀 blocks (三等功 due) matched to 三等功 rewards.
-- A due merit is recorded when a 三等功 reward is awarded in the block's last year or within the
-- following window years (rules assessment.merit_record_window_years when set, else 1: the award
-- usually follows the annual assessment, early the next year). Windows of one person's blocks
-- never overlap (blocks are >= 3 years apart), so a reward matches at most one block; of two
-- rewards in one window the earlier matches, the later is a reward with no streak behind it.
-- Blocks come from the year masks of excellent_masks (the runs of excellent_runs, without a
-- window over every person's years).
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
masks as (
    -- each person's valid 优秀 years as masks (excellent_masks, cut by eval_year_bits)
    select x.person_id, x.raw & eval_year_bits(p.entry_date, p.exit_date, to_year) as m,
           x.old & eval_year_bits(p.entry_date, p.exit_date, to_year - 63) as m_old,
           x.older & eval_year_bits(p.entry_date, p.exit_date, to_year - 126) as m_older,
    from excellent_masks(to_year) as x
    join persons as p using (person_id)
),
bits as (
    -- every bit up to the highest of the masks with a block's worth of 优秀 years (only those
    -- can hold a block)
    select person_id, m, unnest(range(0, eval_high_bit(m) + 1)) as i,
    from masks, params
    where m_old = 0 and m_older = 0 and bit_count(m) >= params.block_years
),
early_years as (
    -- persons with a 优秀 year more than 62 years back: their years, for the window method
    select person_id,
           unnest(eval_mask_years(m, to_year) || eval_mask_years(m_old, to_year - 63)
                  || eval_mask_years(m_older, to_year - 126)) as year,
    from masks
    where m_old <> 0 or m_older <> 0
),
blocks as (
    select b.person_id, to_year - b.i - eval_run_position(b.m, b.i) + 1 as run_start,
           to_year - b.i - params.block_years + 1 as block_start,
           to_year - b.i as block_end, year_end(to_year - b.i + params.window_years) as window_end,
    from bits as b, params
    where eval_run_position(b.m, b.i) % params.block_years = 0 and eval_run_position(b.m, b.i) > 0
    union all
    -- the window method of excellent_runs on the early persons' years
    select person_id, run_start, year - params.block_years + 1, year,
           year_end(year + params.window_years),
    from (
        select person_id, year, min(year) over (partition by person_id, island) as run_start,
               (year - run_start + 1) % params.block_years = 0 as completes_block,
        from (
            select person_id, year,
                   year - row_number() over (partition by person_id order by year) as island,
            from early_years
        ), params
    ), params
    where completes_block
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
