-- training/use_lectures_live.sql — point the weekly-lecture sources at the live computation from
-- lecture_attendance (training/lecture_months.sql): the state of a fresh connection and after
-- qingmiao_lib.db.install_all. Run by the query layer (qingmiao_lib._query.reading) when a query
-- asks for the live computation and the names point elsewhere.
create or replace temp macro training_lecture_months(as_of) as table
    select * from training_lecture_months_live(as_of);
create or replace temp macro training_lecture_years(as_of) as table
    select * from training_lecture_years_live(as_of);
