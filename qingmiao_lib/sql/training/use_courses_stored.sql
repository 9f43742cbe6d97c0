-- training/use_courses_stored.sql — point the course sources at the stored table training_years
-- (training/training_years.sql): the query layer (qingmiao_lib._query.reading) runs it before a
-- query on 31 December while the table's stamp matches (training.py decides); the names stay there
-- until a query asks for another variant (it points them back with training/use_courses_live.sql).
create or replace temp macro training_year_courses(as_of) as table
    select * from training_year_courses_stored(as_of);
create or replace temp macro training_year_courses_span(first_year, last_year) as table
    select * from training_year_courses_span_stored(first_year, last_year);
create or replace temp macro training_year_hours(as_of) as table
    select * from training_year_hours_stored(as_of);
create or replace temp macro training_class_years(first_year, last_year) as table
    select * from training_class_years_stored(first_year, last_year);
