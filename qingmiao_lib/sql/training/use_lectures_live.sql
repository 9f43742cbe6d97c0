-- training/use_lectures_live.sql — point the weekly-lecture sources at the live computation
-- from lecture_attendance (training/lecture_months.sql): the state of every connection between
-- queries. Run by the query layer (qingmiao_lib._query.reading) after a query that read the
-- stored bit sets.
create or replace temp macro training_lecture_months(as_of) as table
    select * from training_lecture_months_live(as_of);
create or replace temp macro training_lecture_years(as_of) as table
    select * from training_lecture_years_live(as_of);
