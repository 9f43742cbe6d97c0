-- pipeline/use_grades_live.sql — point eligibility_grade_masks at the masks from the records
-- (eligibility_grade_masks_live, pipeline/eligibility_on.sql): the state of every connection
-- between queries. Run by the query layer (qingmiao_lib._query.reading) after a query that read
-- the stored masks.
create or replace temp macro eligibility_grade_masks(base) as table
    select * from eligibility_grade_masks_live(base);
