-- training/use_lectures_stored.sql — point the weekly-lecture sources at the stored bit sets of the
-- table lecture_marks (training/lecture_marks.sql): the query layer (qingmiao_lib._query.reading)
-- runs it before a query of a year the table holds while its stamp matches (training.py decides);
-- the names stay there until a query asks for another variant (it points them back with
-- training/use_lectures_live.sql).
create or replace temp macro training_lecture_months(as_of) as table
    select * from training_lecture_months_stored(as_of);
create or replace temp macro training_lecture_years(as_of) as table
    select * from training_lecture_years_stored(as_of);
