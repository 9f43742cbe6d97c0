-- pipeline/use_grades_stored.sql — point eligibility_grade_masks at the stored masks
-- (eligibility_grade_masks_stored, pipeline/eligibility_grades_stored.sql): the query layer
-- (qingmiao_lib._query.reading) runs it before an eligibility while the stamp matches (pipeline.py
-- decides); the names stay there until a query asks for another variant (it points them back with
-- pipeline/use_grades_live.sql).
create or replace temp macro eligibility_grade_masks(base) as table
    select * from eligibility_grade_masks_stored(base);
