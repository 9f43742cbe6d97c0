-- synth/load/_macros.sql — helpers of the synth/load/* statements: person numbers become
-- person_id 'GP' + 8 digits; day numbers (days since 1970-01-01) become dates.
create or replace temp macro pid(i) as ('GP' || lpad(i::varchar, 8, '0'));
create or replace temp macro dn(d) as (date '1970-01-01' + d::integer);
