-- evaluation/age_groups.sql — the age-group labels of eval_age_group (evaluation/age_group.sql),
-- youngest first: one age from each of its four bands, under the young limit of the rules
-- (general.young_age_limit as an integer, as evaluation/slice.sql reads it).
-- Grain: one row per age group, youngest first. Parameters: none.
-- Columns: age_group (e.g. 30岁以下, 30–34岁, 35–39岁, 40岁及以上 for the limit 40).
select eval_age_group(lim + d, lim) as age_group
from (select rule_num('general.young_age_limit')::integer as lim),
     unnest([-11, -6, -1, 0]) as t(d)
