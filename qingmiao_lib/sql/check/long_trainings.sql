-- check/long_trainings.sql — trainings lasting more than a year. Grain: one row per training.
select person_id as example from trainings where end_date > start_date + interval 1 year
