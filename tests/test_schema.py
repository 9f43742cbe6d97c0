"""The DDL of SPEC §3 (schema.sql, constraints.sql) and opening a database file (db.connect):
vocabularies, intervals, keys, the schema version, and the errors a user can meet."""

from __future__ import annotations

import select
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

import qingmiao_lib as qm
from qingmiao_lib.config import SCHEMA_VERSION
from qingmiao_lib.contract import TABLES as CONTRACT
from qingmiao_lib.db import ADDED_TABLES, TABLES, meta
from qingmiao_lib.errors import DatabaseLocked, DatabaseMissing, SchemaMismatch

D = date.fromisoformat


# ---------------------------------------------------------------------------------------------
# tables and the schema version
# ---------------------------------------------------------------------------------------------

def test_every_table_of_spec_3_exists(con):
    got = {t for (t,) in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database()"
        " and schema_name = 'main'"
    ).fetchall()}
    # snapshots: the stored base layer; the 干部任免审批表 additions (SPEC §9) are import tables
    # that the analyses do not read
    assert got == {*TABLES, *ADDED_TABLES, "meta", "snapshots"}
    assert len(TABLES) == 16
    assert set(CONTRACT) == {*TABLES, *ADDED_TABLES}


def test_schema_version_is_stored_in_meta(con):
    assert meta(con)["schema_version"] == SCHEMA_VERSION
    assert con.execute(
        "select value from meta where key = 'schema_version'"
    ).fetchall() == [(SCHEMA_VERSION,)]


def test_schema_version_survives_reopening(tmp_path):
    path = tmp_path / "q.duckdb"
    qm.connect(path, create=True).close()
    con = qm.connect(path)
    try:
        assert meta(con)["schema_version"] == SCHEMA_VERSION
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# vocabularies, intervals and keys
# ---------------------------------------------------------------------------------------------

def test_gender_vocabulary_is_enforced(db):
    with pytest.raises(duckdb.Error, match="未知"):
        db.add("persons", person_id="P1", gender="未知")
    assert db.scalar("select count(*) from persons") == 0
    db.add("persons", person_id="P1", gender="女")
    assert db.scalar("select gender::varchar from persons") == "女"


def test_annual_grade_vocabulary_is_enforced(db):
    db.add("persons", person_id="P1")
    with pytest.raises(duckdb.Error, match="良好"):
        db.add("annual_assessments", person_id="P1", year=2023, grade="良好")
    db.add("annual_assessments", person_id="P1", year=2023, grade="优秀")
    assert db.scalar("select count(*) from annual_assessments") == 1


@pytest.mark.parametrize(
    ("table", "column", "bad"),
    [
        ("persons", "education", "大学"),
        ("ranks", "rank", "科长"),
        ("posts", "level", "正科"),
        ("trainings", "kind", "培训"),
    ],
)
def test_other_vocabularies_are_enforced(db, table, column, bad):
    db.add("persons", person_id="P1")
    row = {"person_id": "P1", column: bad}
    if table == "ranks":
        row |= {"start_date": D("2020-01-01")}
    if table == "posts":
        row |= {"start_date": D("2020-01-01")}
    if table == "trainings":
        row |= {"start_date": D("2020-01-01"), "end_date": D("2020-01-02")}
    with pytest.raises(duckdb.ConversionException, match=bad):
        db.add(table, **row)


@pytest.mark.parametrize(
    ("end", "ok"),
    [
        ("2019-12-31", False),  # ends before it starts
        ("2020-01-01", False),  # empty interval [s, s)
        ("2020-01-02", True),   # one day
        (None, True),           # still current
    ],
)
def test_rank_interval_must_end_after_it_starts(db, end, ok):
    db.add("persons", person_id="P1")
    row = {"person_id": "P1", "rank": "一级科员", "start_date": D("2020-01-01"),
           "end_date": D(end) if end else None}
    if ok:
        db.add("ranks", **row)
        assert db.scalar("select count(*) from ranks") == 1
    else:
        with pytest.raises(duckdb.ConstraintException, match="CHECK"):
            db.add("ranks", **row)


def test_post_and_pool_intervals_are_checked(db):
    db.add("persons", person_id="P1")
    with pytest.raises(duckdb.ConstraintException):
        db.add("posts", person_id="P1", start_date=D("2020-01-01"), end_date=D("2020-01-01"))
    with pytest.raises(duckdb.ConstraintException):
        db.add("pool_members", person_id="P1", pool="年轻公务员库",
               entered_on=D("2020-01-01"), exited_on=D("2019-01-01"))
    # a training starts and ends on the same day (inclusive end) but not earlier
    db.add("trainings", person_id="P1", start_date=D("2020-01-01"), end_date=D("2020-01-01"))
    with pytest.raises(duckdb.ConstraintException):
        db.add("trainings", person_id="P1", start_date=D("2020-01-02"),
               end_date=D("2020-01-01"))


def test_person_checks(db):
    # entry before birth
    with pytest.raises(duckdb.ConstraintException):
        db.add("persons", person_id="P1", birth_date=D("1990-01-01"), entry_date=D("1989-01-01"))
    # exit before entry
    with pytest.raises(duckdb.ConstraintException):
        db.add("persons", person_id="P2", entry_date=D("2015-07-01"), exit_date=D("2015-06-30"))
    # an exit reason without an exit date
    with pytest.raises(duckdb.ConstraintException):
        db.add("persons", person_id="P3", exit_reason="辞职")
    assert db.scalar("select count(*) from persons") == 0


def test_duplicate_person_id_fails(db):
    db.add("persons", person_id="P1", name="张三")
    with pytest.raises(duckdb.ConstraintException, match="P1"):
        db.add("persons", person_id="P1", name="李四")
    assert db.scalar("select name from persons") == "张三"


def test_deferred_primary_key_is_in_place(db):
    # constraints.sql runs on create: one grade per person, year and quarter
    db.add("persons", person_id="P1")
    db.add("regular_assessments", person_id="P1", year=2023, quarter=1, grade="好")
    with pytest.raises(duckdb.ConstraintException, match="primary key"):
        db.add("regular_assessments", person_id="P1", year=2023, quarter=1, grade="较好")
    db.add("regular_assessments", person_id="P1", year=2023, quarter=2, grade="较好")
    assert db.scalar("select count(*) from regular_assessments") == 2


def test_quarter_must_be_1_to_4(db):
    db.add("persons", person_id="P1")
    with pytest.raises(duckdb.ConstraintException):
        db.add("regular_assessments", person_id="P1", year=2023, quarter=5, grade="好")


def test_foreign_keys(db):
    db.add("persons", person_id="P1")
    # a post of an unknown person
    with pytest.raises(duckdb.ConstraintException, match="foreign key"):
        db.add("posts", person_id="NOBODY", start_date=D("2020-01-01"))
    # a post in an unknown unit
    with pytest.raises(duckdb.ConstraintException, match="foreign key"):
        db.add("posts", person_id="P1", unit_id="NOWHERE", start_date=D("2020-01-01"))
    # a rank of an unknown person
    with pytest.raises(duckdb.ConstraintException, match="foreign key"):
        db.add("ranks", person_id="NOBODY", rank="一级科员", start_date=D("2020-01-01"))
    db.add("posts", person_id="P1", start_date=D("2020-01-01"))
    assert db.scalar("select count(*) from posts") == 1


# ---------------------------------------------------------------------------------------------
# opening a file
# ---------------------------------------------------------------------------------------------

def test_missing_file_raises_database_missing(tmp_path):
    path = tmp_path / "nope.duckdb"
    with pytest.raises(DatabaseMissing, match="qingmiao demo"):
        qm.connect(path)
    assert not path.exists()  # and nothing was created


def test_create_makes_the_file(tmp_path):
    path = tmp_path / "sub" / "q.duckdb"
    qm.connect(path, create=True).close()
    assert path.exists()


def test_non_qingmiao_duckdb_file_raises_schema_mismatch(tmp_path):
    path = tmp_path / "other.duckdb"
    other = duckdb.connect(str(path))
    other.execute("create table t (x integer); insert into t values (1)")
    other.close()
    with pytest.raises(SchemaMismatch, match="青苗"):
        qm.connect(path)
    with pytest.raises(SchemaMismatch):
        qm.connect(path, read_only=False)


def test_not_a_duckdb_file_raises_schema_mismatch(tmp_path):
    path = tmp_path / "text.duckdb"
    path.write_text("这不是数据库\n" * 100, encoding="utf-8")
    with pytest.raises(SchemaMismatch):
        qm.connect(path)


def test_other_schema_version_raises_schema_mismatch(tmp_path):
    path = tmp_path / "old.duckdb"
    qm.connect(path, create=True).close()
    raw = duckdb.connect(str(path))
    raw.execute("update meta set value = '0' where key = 'schema_version'")
    raw.close()
    with pytest.raises(SchemaMismatch, match=f"结构版本为 0.*需要 {SCHEMA_VERSION}"):
        qm.connect(path)


def test_default_connection_is_read_only(tmp_path):
    path = tmp_path / "q.duckdb"
    qm.connect(path, create=True).close()
    con = qm.connect(path)
    try:
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("insert into units values ('U9', '单位', '其他', null)")
        # the temporary rule tables and macros are there all the same
        assert con.execute("select age_on(date '1984-06-30', date '2024-06-30')").fetchall() == [
            (40,)
        ]
        assert con.execute("select count(*) from rule_ranks").fetchall() == [(12,)]
    finally:
        con.close()


HOLD = (
    "import sys, time, duckdb\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "print('ready', flush=True)\n"
    "time.sleep(120)\n"
)


@pytest.mark.parametrize("read_only", [True, False])
def test_file_held_by_another_process_raises_database_locked(tmp_path, read_only):
    path = tmp_path / "q.duckdb"
    qm.connect(path, create=True).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 1)
            if ready:
                line = proc.stdout.readline()
                break
            assert proc.poll() is None, proc.stderr.read()
        assert line.strip() == "ready", line
        with pytest.raises(DatabaseLocked, match="占用"):
            qm.connect(path, read_only=read_only)
    finally:
        proc.kill()
        proc.wait()
    # once the other process is gone the file opens again
    qm.connect(path).close()


# ---------------------------------------------------------------------------------------------
# interrupted creations (issue 19): recognised, never mistaken for someone else's file
# ---------------------------------------------------------------------------------------------

def _raw(path, sql: str = "") -> None:
    c = duckdb.connect(str(path))
    if sql:
        c.execute(sql)
    c.close()


HALF = ("create type unit_kind as enum ('市直机关', '乡镇街道', '其他');"
        "create table meta (key varchar primary key, value varchar not null)")


@pytest.mark.parametrize("make", ["half", "empty_duckdb", "zero_bytes"])
def test_an_interrupted_creation_is_named_as_such(tmp_path, make):
    path = tmp_path / "q.duckdb"
    if make == "half":  # an older version killed inside create_schema
        _raw(path, HALF)
    elif make == "empty_duckdb":  # killed right after DuckDB made the file
        _raw(path)
    else:  # killed before DuckDB wrote its header
        path.write_bytes(b"")
    for read_only in (True, False):
        with pytest.raises(qm.db.IncompleteDatabase, match="未建完.*demo --force.*import"):
            qm.connect(path, read_only=read_only)
    assert qm.db.check_replaceable(path) == "incomplete"
    con = qm.connect(path, create=True)  # built anew, whole
    try:
        assert meta(con)["schema_version"] == SCHEMA_VERSION
        assert con.execute("select count(*) from units").fetchall() == [(0,)]
    finally:
        con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.duckdb"]


def test_states_of_a_file(tmp_path):
    cases = {
        "current": None,
        "other": "update meta set value = '0' where key = 'schema_version'",
        "incomplete": "drop table meta",  # every other table of ours, all empty
        # our own table names, but a record in one: never taken for an interrupted creation
        "foreign": "delete from meta; insert into units values ('U1', '单位', '其他', null)",
    }
    for want, change in cases.items():
        path = tmp_path / f"{want}.duckdb"
        qm.connect(path, create=True).close()
        if change:
            _raw(path, change)
        raw = duckdb.connect(str(path), read_only=True)
        try:
            assert qm.db.database_state(raw) == want
        finally:
            raw.close()
    with pytest.raises(SchemaMismatch) as info:
        qm.connect(tmp_path / "foreign.duckdb")
    assert not isinstance(info.value, qm.db.IncompleteDatabase)
    with pytest.raises(SchemaMismatch, match="不会被覆盖"):
        qm.db.check_replaceable(tmp_path / "foreign.duckdb")
    # a foreign file is never rebuilt by create=True either
    with pytest.raises(SchemaMismatch):
        qm.connect(tmp_path / "foreign.duckdb", create=True)
    assert qm.db.check_replaceable(tmp_path / "other.duckdb") == "other"


def test_an_empty_memory_database_is_not_called_incomplete():
    with pytest.raises(SchemaMismatch, match="青苗") as info:
        qm.connect(":memory:")
    assert not isinstance(info.value, qm.db.IncompleteDatabase)


def test_the_schema_is_created_in_one_transaction(monkeypatch):
    raw = duckdb.connect(":memory:")

    def fail(*args, **kwargs):
        raise RuntimeError("killed here")

    monkeypatch.setattr(qm.db, "set_meta", fail)  # after every table, before the version
    with pytest.raises(RuntimeError):
        qm.db.create_schema(raw)
    assert raw.execute("select count(*) from duckdb_tables()").fetchall() == [(0,)]
    assert raw.execute("select count(*) from duckdb_types() where not internal "
                       "and database_name = current_database()").fetchall() == [(0,)]
    raw.close()


# ---------------------------------------------------------------------------------------------
# a database made before the 干部任免审批表 additions (schema version 2, 2026-12) stays readable
# ---------------------------------------------------------------------------------------------

OLD_SCHEMA = Path(__file__).parent / "fixtures" / "schema" / "v2_before_lrmx.sql"


def _old_database(path: Path) -> None:
    """A file made by the previous release: its schema, version 2, one person with one post."""
    raw = duckdb.connect(str(path))
    raw.execute(OLD_SCHEMA.read_text("utf-8"))
    raw.execute("insert into meta values ('schema_version', '2')")
    raw.execute("insert into units values ('U1', '单位', '其他', null)")
    raw.execute("insert into persons (person_id, name, gender, birth_date, education, entry_date) "
                "values ('P1', '张三', '男', '1990-01-01', '本科', '2015-07-01')")
    raw.execute("insert into posts values ('P1', 'U1', '科员', '无', '2015-07-01', null)")
    raw.close()


def _columns(con) -> list[tuple]:
    return con.execute("""select table_name, column_index, column_name, data_type, is_nullable
                          from duckdb_columns() where database_name = current_database()
                            and schema_name = 'main' order by table_name, column_index""").fetchall()


def test_an_old_database_opened_read_only_is_readable_and_unchanged(tmp_path):
    path = tmp_path / "old.duckdb"
    _old_database(path)
    before = path.read_bytes()
    with qm.connect(path) as con:
        # the new persons columns read as empty, the new tables as empty tables
        assert con.execute("select person_id, native_place, birthplace, professional_title from persons"
                           ).fetchall() == [("P1", None, None, None)]
        assert con.execute("select count(*) from education_history").fetchall() == [(0,)]
        assert con.execute("select count(*) from resume_entries").fetchall() == [(0,)]
        assert con.execute("select count(*) from person_snapshot(date '2020-12-31')").fetchall() == [(1,)]
        from qingmiao_lib import check
        assert check.run_check(con)["count"].sum() == 0
    assert path.read_bytes() == before  # nothing written into it


def test_an_old_database_opened_for_writing_is_upgraded_in_place(tmp_path):
    old, new = tmp_path / "old.duckdb", tmp_path / "new.duckdb"
    _old_database(old)
    qm.connect(new, create=True).close()
    with qm.connect(old, read_only=False) as con:
        assert con.execute("select person_id, name, native_place from persons").fetchall() == [("P1", "张三", None)]
        assert con.execute("select count(*) from posts").fetchall() == [(1,)]
        upgraded = _columns(con)
        assert meta(con)["schema_version"] == SCHEMA_VERSION
    with qm.connect(new) as con:
        assert upgraded == _columns(con)  # exactly the shape of a new database
    # and once upgraded it is an ordinary database: read-only opens need no stand-ins
    with qm.connect(old) as con:
        assert con.execute("select count(*) from duckdb_tables() where temporary and table_name in "
                           "('education_history', 'resume_entries')").fetchall() == [(0,)]
        assert con.execute("select count(*) from duckdb_views() where temporary and view_name = 'persons'"
                           ).fetchall() == [(0,)]


def test_new_tables_are_in_the_contract_and_keyed(db):
    db.add("persons", person_id="P1")
    db.add("education_history", person_id="P1", kind="全日制", level="本科")
    with pytest.raises(duckdb.Error, match="本科"):
        db.add("education_history", person_id="P1", kind="全日制", level="本科")
    with pytest.raises(duckdb.Error, match="函授"):
        db.add("education_history", person_id="P1", kind="函授", level="大专")
    db.add("resume_entries", person_id="P1", line_no=1, start_date=D("2015-07-01"), kind="工作", content="某镇科员")
    with pytest.raises(duckdb.Error):
        db.add("resume_entries", person_id="P2", line_no=1, start_date=D("2015-07-01"), kind="工作", content="x")


# ---------------------------------------------------------------------------------------------
# what a connection knows without asking (issue 22: statements per report)
# ---------------------------------------------------------------------------------------------

def _statements(con) -> list[str]:
    return [m for (m,) in con.execute("select message from duckdb_logs where type = 'QueryLog'").fetchall() if m]


def _made(con) -> set[str]:
    return {n for (n,) in con.execute("select function_name from duckdb_functions() where macro_definition is not null "
                                      "and schema_name = 'main' and database_name = 'temp'").fetchall()}


def test_connect_makes_the_base_macros_and_a_query_the_areas_it_calls_once(con):
    from qingmiao_lib import _macros, sql, structure
    from qingmiao_lib.db import install_once

    # at connect: the base layer's macros (a user's own SQL calls them), no analysis area's
    made = _made(con)
    assert {"age_on", "rule_num", "person_snapshot", "person_snapshot_at"} <= made
    assert not made & {"structure_age_band", "in_slice", "training_obligations", "eval_slice", "eligibility_on"}
    # a headcount creates the structure macros it calls (dimensions and the slice), no other area's
    structure.headcount(con, as_of=date(2023, 12, 31), by=["age_band"])
    made = _made(con)
    assert {"structure_age_band", "in_slice"} <= made
    assert not made & {"training_obligations", "eval_slice", "eligibility_on"}
    assert con.execute("select structure_age_band(32)").fetchall() == [("30–34岁",)]
    # made once: the next call, and install_once of the same file, run nothing more
    con.execute("CALL enable_logging('QueryLog')")
    _macros.ensure(con, sql.load("structure/headcount"))
    install_once(con, "structure/dimensions", sql.load("structure/dimensions"))
    assert _statements(con) == []


def test_macros_made_in_a_rolled_back_transaction_are_made_again(con):
    from qingmiao_lib import structure

    # a what-if inside a transaction (as tests/test_pipeline.py does): the macros a query makes
    # there are rolled back with it; the next query, in a new transaction or none, makes them again
    day = date(2023, 12, 31)
    for _ in range(2):
        con.execute("begin")
        assert structure.headcount(con, as_of=day)["persons"].sum() == 0
        con.execute("rollback")
        assert "structure_age_band" not in _made(con)
    assert structure.headcount(con, as_of=day, by=["age_band"])["persons"].sum() == 0
    assert "structure_age_band" in _made(con)
    # made inside a committed transaction they stay, and are not made again
    con.execute("begin")
    structure.headcount(con, as_of=day, by=["generation"])
    con.execute("commit")
    con.execute("CALL enable_logging('QueryLog')")
    structure.headcount(con, as_of=day, by=["generation"])
    assert not any(m.startswith("-- structure/dimensions.sql") for m in _statements(con))


def test_an_area_file_needs_what_its_macros_call_in_creation_order():
    from qingmiao_lib import _macros, sql

    # gap_list calls training_obligations (training/obligations), which calls training_people
    # (training/people); people comes first since obligations is bound against it
    needs = _macros.needs(sql.load("training/gap_list"))
    assert needs.index("training/people") < needs.index("training/obligations")
    assert "training/lecture_months" not in needs and not any(n.startswith("evaluation/") for n in needs)
    # every area file can be made on a fresh connection from its needs alone
    import qingmiao_lib as qm
    for name in _macros.AREAS:
        c = qm.connect(":memory:", create=True)
        _macros.ensure(c, sql.load(name))
        c.execute(sql.load(name))
        c.close()


def test_database_facts_read_once_in_a_steady_block(db):
    from qingmiao_lib import _query
    from qingmiao_lib.db import set_meta, stored_current
    from qingmiao_lib.provenance import database_facts

    # a fresh database: no derived table written, so none may be read; meta holds the schema
    # version. grade_years written with a stamp that is not the records' → still not current
    facts = database_facts(db.con)
    assert "persons" in facts.tables and "grade_years" not in facts.tables
    assert facts.meta["schema_version"] == str(SCHEMA_VERSION)
    assert not stored_current(db.con, "grade_years", "grade_stamp")
    db.con.execute("create table grade_years (person_id varchar)")
    set_meta(db.con, grade_years_stamp="v1|annual=99")
    assert not stored_current(db.con, "grade_years", "grade_stamp")
    # the records' stamp (no annual grades: 'v1|annual=0') → current
    set_meta(db.con, grade_years_stamp="v1|annual=0")
    assert stored_current(db.con, "grade_years", "grade_stamp")
    db.con.execute("CALL enable_logging('QueryLog')")
    with _query.steady(db.con):
        # three tables checked: one read of the tables and meta, one stamp each table present
        # with a stamp (grade_years only); quarter_masks and training_years are absent
        assert stored_current(db.con, "grade_years", "grade_stamp")
        assert not stored_current(db.con, "quarter_masks", "quarter_stamp")
        assert not stored_current(db.con, "training_years", "training_stamp")
        assert stored_current(db.con, "grade_years", "grade_stamp")
        assert database_facts(db.con).meta["grade_years_stamp"] == "v1|annual=0"
    logged = _statements(db.con)
    assert len(logged) == 2 and logged[0].startswith("-- base/database_facts.sql")
    assert logged[1].startswith("-- snapshots/grade_stamp.sql")
