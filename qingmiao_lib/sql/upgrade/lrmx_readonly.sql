-- upgrade/lrmx_readonly.sql — a database of schema version 2 made before the 干部任免审批表
-- additions, opened read-only (it cannot be altered): empty temporary stand-ins for the two new
-- tables, so every reader (qingmiao check, export) works on it and finds no rows in them. The
-- persons columns are added by the temporary view of db.upgrade (it must name the database).
-- Parameters: none.
create or replace temp table education_history (
    person_id varchar, kind varchar, level varchar, degree varchar, school varchar, major varchar,
    start_date date, end_date date
);
create or replace temp table resume_entries (
    person_id varchar, line_no integer, start_date date, end_date date, kind varchar,
    organisation varchar, title varchar, level varchar, content varchar, note varchar
);
