-- outlook/retirement.sql — statutory retirement (SPEC §9; rules [retirement]): the one definition
-- every query and the demo county use. Temporary scalar macros, installed once per connection by
-- outlook.install_macros, reading the rules through the session variable qingmiao_retirement
-- (outlook/retirement_rules.sql, set by install_macros before each use).
--
-- Men 60 → 63, women cadres 55 → 58 (全国人大常委会决定, 13 Sep 2024, in force 1 Jan 2025):
-- delay = floor(months of birth since the schedule's start month / step_months) + 1, at most
-- max_delay_months; born before the start month, no delay. A woman whose main post is at a
-- county level (rules county_levels) follows the men's schedule from 60 while
-- female_county_level_as_male is on (组通字〔2015〕14号).
-- Retirement date = birth date + the age in full months, month-end clamped (born 31 Jan 1965,
-- a man reaches 60 years 1 month on 28 Feb 2025; born 29 Feb, 28 Feb of a common year).

-- is a post level (post_level or text; NULL = no post) one of the rules' county levels?
create or replace temp macro retirement_county_level(level) as (
    coalesce(list_contains(getvariable('qingmiao_retirement').county_levels, level::varchar), false)
);

-- the lowest statutory retirement age in whole years: the lower of the men's and women's base
-- ages (no delay lowers it) — a retirement within N years needs age + N ≥ it
create or replace temp macro retirement_lowest_age() as (
    least(getvariable('qingmiao_retirement').male_base_months,
          getvariable('qingmiao_retirement').female_base_months) // 12
);

-- does the person follow the men's schedule? men, and women at a county level when switched on
create or replace temp macro retirement_male_schedule(gender, county_level) as (
    gender::varchar = '男'
    or (coalesce(county_level, false)
        and getvariable('qingmiao_retirement').female_county_level_as_male)
);

-- the delay in months for a birth `months` months after the schedule's start month (January
-- 1965 itself is 0 → 1 month; December 1964 is -1 → none)
create or replace temp macro retirement_delay_months(months) as (
    case
        when months < 0 then 0
        else least(getvariable('qingmiao_retirement').max_delay_months,
                   months // getvariable('qingmiao_retirement').step_months + 1)
    end::integer
);

-- the statutory retirement age in months (60 years 1 month = 721)
create or replace temp macro retirement_age_months(birth_date, gender, county_level) as (
    case
        when retirement_male_schedule(gender, county_level) then
            getvariable('qingmiao_retirement').male_base_months
            + retirement_delay_months(
                (year(birth_date) - getvariable('qingmiao_retirement').male_start_year) * 12
                + month(birth_date) - getvariable('qingmiao_retirement').male_start_month)
        else
            getvariable('qingmiao_retirement').female_base_months
            + retirement_delay_months(
                (year(birth_date) - getvariable('qingmiao_retirement').female_start_year) * 12
                + month(birth_date) - getvariable('qingmiao_retirement').female_start_month)
    end::integer
);

-- the statutory retirement date: birth date + the age in full months, month-end clamped
create or replace temp macro retirement_date(birth_date, gender, county_level) as (
    (birth_date::date + to_months(retirement_age_months(birth_date, gender, county_level)))::date
);
