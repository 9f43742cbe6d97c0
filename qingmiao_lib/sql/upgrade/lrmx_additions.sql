-- upgrade/lrmx_additions.sql — brings a database of schema version 2 made before the 干部任免审批表
-- additions (2026-12: persons 籍贯/出生地/专业技术职务, education_history, resume_entries) up to the
-- shape schema.sql creates now. Additive only: nothing is dropped or rewritten, every existing row
-- stays as it was (the new persons columns are NULL). Idempotent. Run by db.upgrade inside one
-- transaction when the database is opened for writing; tests/test_schema.py checks that an
-- upgraded database has exactly the columns of a new one.
-- Parameters: none.
create type if not exists education_kind as enum ('全日制', '在职');
create type if not exists resume_kind as enum ('工作', '学习', '职级');

alter table persons add column if not exists native_place varchar;
alter table persons add column if not exists birthplace varchar;
alter table persons add column if not exists professional_title varchar;

create table if not exists education_history (
    person_id varchar not null references persons (person_id),
    kind education_kind not null,
    level education not null,
    degree varchar,
    school varchar,
    major varchar,
    start_date date,
    end_date date,
    primary key (person_id, kind, level)
);

create table if not exists resume_entries (
    person_id varchar not null references persons (person_id),
    line_no integer not null,
    start_date date not null,
    end_date date,
    kind resume_kind not null,
    organisation varchar,
    title varchar,
    level post_level,
    content varchar not null,
    note varchar,
    primary key (person_id, line_no)
);
