-- evaluation/share_rules.sql — the rules the 优秀 shares of person_history's comparison read
-- (shares.sql): the grades counted as graded (assessment.graded)
-- and the day a year's figures are taken (general.year_end), by value. evaluation.person_history
-- keeps those shares for as long as its connection lives under this key, so that a what-if
-- changing either rule computes them afresh.
-- Grain: one row, one column (rules VARCHAR). Parameters: none.
select concat_ws('|',
    'graded=' || coalesce((select string_agg(value, ',' order by value) from rule_lists
                           where name = 'assessment.graded'), ''),
    'year_end=' || coalesce(rule_txt('general.year_end'), '')
) as rules;
