-- outlook/retirement_rules.sql — the rules' [retirement] values as one struct in the session
-- variable qingmiao_retirement, which the macros of outlook/retirement.sql read: a variable is
-- a constant to the planner, where a rule_num() subquery per value and row costs ~5× the
-- arithmetic. Set by outlook.install_macros before every query that uses the macros, so it
-- always holds the rules loaded on the connection.
-- Parameters: none. Result: none (sets the variable).
set variable qingmiao_retirement = (
    select {
        'male_base_months': rule_num('retirement.male_base_age_years')::integer * 12,
        'male_start_year': split_part(rule_txt('retirement.male_start_month'), '-', 1)::integer,
        'male_start_month': split_part(rule_txt('retirement.male_start_month'), '-', 2)::integer,
        'female_base_months': rule_num('retirement.female_base_age_years')::integer * 12,
        'female_start_year': split_part(rule_txt('retirement.female_start_month'), '-', 1)::integer,
        'female_start_month': split_part(rule_txt('retirement.female_start_month'), '-', 2)::integer,
        'step_months': rule_num('retirement.step_months')::integer,
        'max_delay_months': rule_num('retirement.max_delay_months')::integer,
        'female_county_level_as_male': rule_num('retirement.female_county_level_as_male') = 1,
        'county_levels': coalesce((select list(value order by value) from rule_lists
                                   where name = 'retirement.county_levels'), []::varchar[]),
    }
);
