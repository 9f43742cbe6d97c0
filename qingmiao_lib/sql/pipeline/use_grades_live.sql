-- pipeline/use_grades_live.sql — point eligibility_grade_masks at the masks from the records
-- (eligibility_grade_masks_live, pipeline/eligibility_on.sql): the state of a fresh connection and
-- after qingmiao_lib.db.install_all. Run by the query layer (qingmiao_lib._query.reading) when a
-- query asks for the live computation and the names point elsewhere.
create or replace temp macro eligibility_grade_masks(base) as table
    select * from eligibility_grade_masks_live(base);
