-- check/ages.sql — 三龄二历: dates of a person that cannot all be true. $which picks the finding:
-- entry_under_18, party_under_18, work_under_16, work_after_entry, birth_after_entry.
-- Grain: one row per person with the finding.
select person_id as example
from persons
where case $which
    when 'entry_under_18' then age_on(birth_date, entry_date) < 18
    when 'party_under_18' then age_on(birth_date, party_join_date) < 18
    when 'work_under_16' then age_on(birth_date, work_start_date) < 16
    when 'work_after_entry' then work_start_date > entry_date
    when 'birth_after_entry' then birth_date >= entry_date
end
