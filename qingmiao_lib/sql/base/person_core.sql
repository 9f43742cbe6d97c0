-- person_core(as_of) — the persons-only part of the base layer (SPEC §5 "General"): no history
-- table is read, so a query that needs no rank, post or pool is as cheap as a scan of persons.
-- Grain: one row per person in persons (active or not; filter on `active`).
-- Parameters: as_of (DATE).
-- Columns: person_id, name, gender, education, political_status, entry_channel, birth_date,
--   entry_date, exit_date, work_start_date, party_join_date, entry_cohort, active, age, young,
--   first_five.
create or replace temp macro person_core(as_of) as table
select
    person_id,
    name,
    gender,
    education,
    political_status,
    entry_channel,
    birth_date,
    entry_date,
    exit_date,
    work_start_date,
    party_join_date,
    year(entry_date) as entry_cohort,
    active_on(entry_date, exit_date, as_of) as active,
    age_on(birth_date, as_of) as age,
    age_on(birth_date, as_of) < rule_num('general.young_age_limit') as young,
    -- entry_date > as_of - 5 years, with the month-end clamping of age and full months
    -- (entered 2016-02-29: five years are complete on 2021-02-28, as for a birthday)
    active_on(entry_date, exit_date, as_of)
        and full_months(entry_date, as_of) < rule_num('general.first_years') * 12 as first_five,
from persons;
