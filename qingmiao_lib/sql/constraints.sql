-- constraints.sql — primary keys of the high-volume fact tables, added after any bulk load
-- (an index built once over loaded rows instead of maintained row by row). Run once per database.
alter table regular_assessments add primary key (person_id, year, quarter);
