-- projection/states.sql — the names of the model's state steps, from the rules: the rank ladder
-- (rule_ranks, 1 = 二级科员 …; step 0 = no rank yet, 未定职级) and the post levels (rule_levels,
-- 无 = 0 …).
-- Grain: one row per (kind, step). Parameters: none.
-- Columns: kind ('rank' | 'level'), step, name.
with
final as (
    select 'rank' as kind, 0 as step, '未定职级' as name,
    union all
    select 'rank' as kind, step, rank::varchar as name, from rule_ranks
    union all
    select 'level' as kind, step, level::varchar as name, from rule_levels
)
select * from final
order by kind, step;
