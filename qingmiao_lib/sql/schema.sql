-- schema.sql — the whole data model of SPEC §3 (also the import contract).
-- Grain is stated per table. Valid-time intervals are [start, end); an empty end = still current.
-- Vocabularies are ENUMs holding the field's Chinese values.
-- Keys: every table with a natural key has a primary key. regular_assessments gets its key
-- from constraints.sql, after a bulk load when there is one (an ART index built once over loaded
-- rows instead of maintained row by row). Two tables have no declared key:
--   trainings            no natural key (one person may take two courses of a kind on one day);
--   lecture_attendance   (lecture_id, person_id) is unique, but the table holds one row per young
--                        person per weekly session — ~100 million rows at 1 million persons — and a
--                        DuckDB ART index over it alone outgrows 8 GiB; the importer and
--                        `qingmiao check` enforce its uniqueness and references instead.
-- Foreign keys: declared to persons/units for every table except the high-volume fact tables
-- (trainings, lecture_attendance, regular_assessments), for the same reason.

create type unit_kind as enum ('市直机关', '乡镇街道', '其他');
create type gender as enum ('男', '女');
create type education as enum ('高中', '中专', '大专', '本科', '硕士研究生', '博士研究生');
create type entry_channel as enum ('考试录用', '选调生', '遴选', '调任', '军转安置', '其他');
create type post_level as enum ('无', '乡科级副职', '乡科级正职', '县处级副职', '县处级正职');
create type rank_name as enum (
    '二级科员', '一级科员', '四级主任科员', '三级主任科员', '二级主任科员', '一级主任科员',
    '四级调研员', '三级调研员', '二级调研员', '一级调研员', '二级巡视员', '一级巡视员'
);
create type rank_reason as enum ('定级', '晋升', '平级调整', '降级');
create type pool_name as enum ('年轻公务员库', '两型干部库');
create type training_kind as enum ('初任培训', '任职培训', '专门业务培训', '在职培训');
create type training_mode as enum ('脱产', '网络', '其他');
create type lecture_topic as enum ('理论教育', '党性教育', '基层治理', '乡村振兴', '其他');
create type attendance_status as enum ('出席', '请假');
create type mentor_role as enum ('政治导师', '业务导师');
create type practice_program as enum ('千万工程', '驻村帮扶', '营商环境专班', '主题教育', '轮岗交流', '其他');
create type annual_grade as enum ('优秀', '称职', '基本称职', '不称职', '不定等次');
create type quarter_grade as enum ('好', '较好', '一般', '较差');
create type reward_kind as enum ('嘉奖', '三等功', '二等功', '一等功', '其他');
create type supervision_kind as enum ('谈心谈话', '提醒谈话', '批评教育', '诫勉', '组织处理', '处分');
create type education_kind as enum ('全日制', '在职');
create type resume_kind as enum ('工作', '学习', '职级');

-- one row per schema fact (schema_version, created_at, built_by, rules_version, ...)
create table meta (
    key varchar primary key,
    value varchar not null
);

-- one row per unit
create table units (
    unit_id varchar primary key,
    name varchar not null,
    kind unit_kind not null,
    parent_id varchar references units (unit_id),
    check (parent_id is null or parent_id <> unit_id)
);

-- one row per person (identity numbers are validated on import and never stored)
create table persons (
    person_id varchar primary key,
    name varchar not null,
    gender gender not null,
    ethnicity varchar,
    birth_date date not null,
    political_status varchar,
    party_join_date date,
    education education not null,
    degree varchar,
    full_time_education boolean,
    work_start_date date,
    entry_date date not null,
    entry_channel entry_channel,
    exit_date date,
    exit_reason varchar,
    native_place varchar,            -- 籍贯
    birthplace varchar,              -- 出生地
    professional_title varchar,      -- 专业技术职务
    check (entry_date > birth_date),
    check (work_start_date is null or work_start_date > birth_date),
    check (party_join_date is null or party_join_date > birth_date),
    check (exit_date is null or exit_date >= entry_date),
    check (exit_reason is null or exit_date is not null)
);

-- one row per post held (valid time [start_date, end_date))
create table posts (
    person_id varchar not null references persons (person_id),
    unit_id varchar not null references units (unit_id),
    title varchar not null,
    level post_level not null,
    start_date date not null,
    end_date date,
    primary key (person_id, unit_id, start_date),
    check (end_date is null or end_date > start_date)
);

-- one row per rank held (valid time [start_date, end_date))
create table ranks (
    person_id varchar not null references persons (person_id),
    rank rank_name not null,
    start_date date not null,
    end_date date,
    reason rank_reason not null,
    primary key (person_id, start_date),
    check (end_date is null or end_date > start_date)
);

-- one row per pool membership spell ([entered_on, exited_on))
create table pool_members (
    person_id varchar not null references persons (person_id),
    pool pool_name not null,
    entered_on date not null,
    exited_on date,
    source varchar,
    exit_reason varchar,
    primary key (person_id, pool, entered_on),
    check (exited_on is null or exited_on > entered_on),
    check (exit_reason is null or exited_on is not null)
);

-- one row per training attended (start and end inclusive: a one-day course starts and ends
-- on the same day); no natural key, so no primary key
create table trainings (
    person_id varchar not null,
    kind training_kind not null,
    topic varchar,
    provider varchar,
    start_date date not null,
    end_date date not null,
    hours decimal(6, 1) not null,
    mode training_mode,
    passed boolean not null default true,
    check (end_date >= start_date),
    check (hours > 0 and hours <= 2000)
);

-- one row per weekly lecture session
create table lectures (
    lecture_id varchar primary key,
    held_on date not null,
    topic lecture_topic not null,
    title varchar
);

-- one row per person and lecture attended or excused; no row = absent.
-- (lecture_id, person_id) is unique: see the header for why it is not a declared key.
create table lecture_attendance (
    lecture_id varchar not null,
    person_id varchar not null,
    status attendance_status not null
);

-- one row per mentor assignment ([start_date, end_date))
create table mentorships (
    person_id varchar not null references persons (person_id),
    mentor_id varchar not null references persons (person_id),
    role mentor_role not null,
    start_date date not null,
    end_date date,
    primary key (person_id, role, start_date),
    check (mentor_id <> person_id),
    check (end_date is null or end_date > start_date)
);

-- one row per practice posting ([start_date, end_date))
create table practices (
    person_id varchar not null references persons (person_id),
    program practice_program not null,
    start_date date not null,
    end_date date,
    rating varchar,
    primary key (person_id, program, start_date),
    check (end_date is null or end_date > start_date)
);

-- one row per person and assessment year
create table annual_assessments (
    person_id varchar not null references persons (person_id),
    year smallint not null,
    grade annual_grade not null,
    primary key (person_id, year),
    check (year between 1950 and 2100)
);

-- one row per person, year and quarter
create table regular_assessments (
    person_id varchar not null,
    year smallint not null,
    quarter tinyint not null,
    grade quarter_grade not null,
    check (year between 1950 and 2100),
    check (quarter between 1 and 4)
);

-- one row per urgent/difficult task a person took part in
create table special_tasks (
    person_id varchar not null references persons (person_id),
    task varchar not null,
    started_on date not null,
    rating varchar,
    primary key (person_id, task, started_on)
);

-- one row per reward
create table rewards (
    person_id varchar not null references persons (person_id),
    awarded_on date not null,
    kind reward_kind not null,
    reason varchar,
    primary key (person_id, awarded_on, kind)
);

-- one row per supervision event
create table supervision (
    person_id varchar not null references persons (person_id),
    held_on date not null,
    kind supervision_kind not null,
    effective_until date,
    primary key (person_id, held_on, kind),
    check (effective_until is null or effective_until > held_on)
);

-- one row per year, unit (empty = whole jurisdiction) and rank
create table quotas (
    year smallint not null,
    unit_id varchar references units (unit_id),
    rank rank_name not null,
    max_count integer not null,
    check (max_count >= 0),
    check (year between 1950 and 2100)
);

-- one row per person, kind of education (全日制/在职) and level: the education history behind
-- persons.education (the highest level). An import replaces each named person's rows whole.
create table education_history (
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

-- one row per 简历 (resume) entry of a person: a dated line with its continuation lines, as the
-- 干部任免审批表 states it — posts (in the unit list or not: organisation is the text), study and
-- rank events. line_no is the entry's first line in the 简历 text; the `qingmiao check` 三龄二历
-- findings name it. An import replaces each named person's 简历 whole. No CHECK on the period:
-- a 简历 that runs backwards is a finding of the check, not a refused import.
create table resume_entries (
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

-- one row per person and stored snapshot date: the base layer (person_snapshot) computed once,
-- on 31 December of the recent data years, when the demo is built and after every import —
-- so year-end analyses at national scale read it instead of re-deriving ranks, posts and pools
-- from their histories. Rule-independent columns only: young and first_five are derived from
-- age and entry_months when read, under the rules of the connection. (qingmiao_lib.db.
-- refresh_snapshots; the person_snapshot macro falls back to the live computation for any
-- other date.)
create table snapshots (
    snapshot_date date not null,
    person_id varchar not null,
    name varchar,
    gender gender,
    education education,
    political_status varchar,
    entry_channel entry_channel,
    birth_date date,
    entry_date date,
    exit_date date,
    work_start_date date,
    party_join_date date,
    entry_cohort bigint,
    active boolean,
    age bigint,
    entry_months bigint,
    rank rank_name,
    rank_step integer,
    rank_start date,
    rank_months bigint,
    level post_level,
    level_step integer,
    level_start date,
    level_months bigint,
    unit_id varchar,
    unit_kind unit_kind,
    in_young_pool boolean,
    in_two_type_pool boolean
    -- (snapshot_date, person_id) is unique by construction; no declared key: an index over
    -- ~20 million rows at national scale would cost gigabytes of memory for nothing
);
