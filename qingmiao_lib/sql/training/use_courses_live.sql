-- training/use_courses_live.sql — point the course sources at the live computations from the table
-- trainings (training/year_courses.sql): the state of a fresh connection and after
-- qingmiao_lib.db.install_all. Run by the query layer (qingmiao_lib._query.reading) when a query
-- asks for the live computation and the names point elsewhere.
create or replace temp macro training_year_courses(as_of) as table
    select * from training_year_courses_live(as_of);
create or replace temp macro training_year_courses_span(first_year, last_year) as table
    select * from training_year_courses_span_live(first_year, last_year);
create or replace temp macro training_year_hours(as_of) as table
    select * from training_year_hours_live(as_of);
create or replace temp macro training_class_years(first_year, last_year) as table
    select * from training_class_years_live(first_year, last_year);
