-- macros.sql — the scalar definitions of SPEC §5 "General", defined once, used everywhere.
-- Loaded as temporary macros on every connection (read-only included).

-- full months from a to d: the largest m with a + m months <= d (month-end clamped:
-- 2024-01-31 + 1 month = 2024-02-29). Counts elapsed time, not month boundaries crossed.
create or replace temp macro full_months(a, d) as (
    ((year(d) - year(a)) * 12 + month(d) - month(a))
    - case
        when a + to_months(((year(d) - year(a)) * 12 + month(d) - month(a))::integer) > d then 1
        else 0
      end
);

-- age on d in whole years: a birthday on d counts as passed (born 1984-06-30 is 40 on
-- 2024-06-30). Same clamping as full months: born 29 Feb, a year older on 28 Feb of a common year.
create or replace temp macro age_on(birth, d) as (full_months(birth, d) // 12);

-- active on d: entry_date <= d and (exit_date is null or exit_date > d).
create or replace temp macro active_on(entry_date, exit_date, d) as (
    entry_date <= d and (exit_date is null or exit_date > d)
);

-- an interval [s, e) with an open end (e is null) covers d.
create or replace temp macro covers(s, e, d) as (s <= d and (e is null or e > d));

-- rule values by name, e.g. rule_num('general.young_age_limit').
-- The county of a key: the part before the first colon in a combined (prefecture) database,
-- '' in a county's own (keys have no colon there; see qingmiao_lib.combine).
create or replace temp macro county_of(k) as (
    case when contains(k, ':') then split_part(k, ':', 1) else '' end
);
create or replace temp macro rule_num(k) as (select num from rule_params where name = k);
create or replace temp macro rule_txt(k) as (select txt from rule_params where name = k);

-- 31 December (rules: general.year_end, 'MM-DD') of year y. One lookup of the rule: two (a
-- make_date of its month and day) cost ~3 ms to plan per call, ~7 ms for two calls in a query.
create or replace temp macro year_end(y) as (
    (y::bigint::varchar || '-' || rule_txt('general.year_end'))::date
);
