"""Opening a Qingmiao database: schema, rules and SQL macros ready on every connection."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import secrets
import signal
import weakref
from importlib import resources
from pathlib import Path

import duckdb

from . import rules as rules_mod
from . import sql
from ._steady import remembered
from .config import DEFAULT_DB, SCHEMA_VERSION
from .errors import DatabaseLocked, DatabaseMissing, QingmiaoError, SchemaMismatch
from .outputs import fsync_dir, pid_alive

try:  # POSIX record locks, the kind DuckDB takes on its file (absent on Windows)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

TABLES = (
    "units", "persons", "posts", "ranks", "pool_members", "trainings", "lectures",
    "lecture_attendance", "mentorships", "practices", "annual_assessments",
    "regular_assessments", "special_tasks", "rewards", "supervision", "quotas",
)
_MACROS = (
    "base/macros", "base/records_span", "base/person_core", "base/person_rank", "base/person_post",
    "base/person_pools",
    "base/person_snapshot_live", "base/person_snapshot", "base/leadership_steps",
    # each analysis area's table and scalar macros, in dependency order
    "structure/in_slice", "structure/series_persons", "structure/series_full",
    "structure/series_stored",
    "training/people", "training/in_slice", "training/leadership_steps", "training/year_courses",
    "training/obligations",
    "training/lecture_months",
    "evaluation/valid_grades", "evaluation/valid_quarter_grades", "evaluation/excellent_runs",
    "evaluation/age_group", "evaluation/slice", "evaluation/quarter_masks", "evaluation/merit_matches",
    "pipeline/years_months", "pipeline/eligibility_on",
)


class IncompleteDatabase(SchemaMismatch):
    """The file holds part of the schema at most and no records: its creation was interrupted
    (by an older version, or by hand). ``qingmiao demo --force`` or a first ``qingmiao import``
    replaces it; ``connect(path, create=True)`` builds it anew."""


def connect(
    path: str | Path = DEFAULT_DB,
    *,
    read_only: bool = True,
    rules: str | Path | None = None,
    create: bool = False,
    bulk_load: bool = False,
) -> duckdb.DuckDBPyConnection:
    """Open a Qingmiao database with its rules and SQL macros loaded.

    Parameters
    ----------
    path
        The DuckDB file (default ``data/qingmiao.duckdb``); ``":memory:"`` for a scratch database.
    read_only
        Open read-only (the default) so notebooks and reports can share the file.
    rules
        A locality rules file overriding the shipped defaults (``rules/default.toml``).
    create
        Create the file and its schema if it does not exist (implies ``read_only=False``). The
        file is built under a temporary name and appears only complete (see
        :class:`NewDatabase`); an interrupted creation left behind (:class:`IncompleteDatabase`)
        is built anew.
    bulk_load
        With ``create``: leave out the deferred primary keys (``sql/constraints.sql``) so a bulk
        loader can fill the tables first and then call :func:`add_constraints`.

    Returns
    -------
    duckdb.DuckDBPyConnection
        With the temporary tables ``rule_*`` and the macros ``person_snapshot(as_of)``,
        ``age_on``, ``full_months`` … ready.

    Raises
    ------
    DatabaseMissing, DatabaseLocked, IncompleteDatabase, SchemaMismatch
        Each with a one-line message saying what to do.

    Examples
    --------
    >>> import qingmiao_lib as qm
    >>> con = qm.connect(":memory:", create=True)
    >>> con.execute("select age_on(date '1984-06-30', date '2024-06-30')").fetchall()
    [(40,)]
    """
    if str(path) == ":memory:":
        return _open(":memory:", read_only=False, rules=rules, new=create, bulk_load=bulk_load)
    path = Path(path)
    if create:
        if not path.exists():
            NewDatabase(path, replace="incomplete", bulk_load=bulk_load).create()
        try:
            return _open(path, read_only=False, rules=rules)
        except IncompleteDatabase:
            NewDatabase(path, replace="incomplete", bulk_load=bulk_load).create()
            return _open(path, read_only=False, rules=rules)
    if not path.exists():
        raise DatabaseMissing(
            f"数据库文件不存在：{path}（请先运行 qingmiao demo 生成示范数据，或 qingmiao import 导入本单位数据）"
        )
    return _open(path, read_only=read_only, rules=rules)


def _open(path, *, read_only: bool, rules, new: bool = False, bulk_load: bool = False,
          ready: bool = True) -> duckdb.DuckDBPyConnection:
    """Open ``path`` (``new``: a file just made, given the schema) with rules and macros
    (``ready=False``: without them)."""
    if new is False and path != ":memory:" and _empty_file(path):
        raise IncompleteDatabase(_incomplete_message(path))
    con = _duck(path, read_only=read_only)
    try:
        con.execute("set enable_progress_bar = false")
        if new:
            create_schema(con, constraints=not bulk_load)
            crash_point("new:schema")
        else:
            _require_schema(con, path)
            upgrade(con, read_only=read_only and path != ":memory:")
        if not ready:
            return con
        loaded = rules_mod.load(rules)
        rules_mod.install(con, loaded)
        for name in _MACROS:
            con.execute(sql.load(name))
    except BaseException:
        con.close()
        raise
    return con


def _duck(path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A plain DuckDB connection, its failures turned into one-line Qingmiao errors."""
    try:
        return duckdb.connect(str(path), read_only=read_only and str(path) != ":memory:")
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise DatabaseLocked(
                f"数据库 {path} 正被另一个程序占用（例如打开着的笔记本，或正在运行的 qingmiao demo/import），"
                "请关闭该程序后重试"
            ) from None
        raise SchemaMismatch(f"无法打开数据库 {path}：{str(e).splitlines()[0]}") from None
    except duckdb.Error as e:
        raise SchemaMismatch(f"无法打开数据库 {path}：{str(e).splitlines()[0]}") from None


def _empty_file(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size == 0
    except OSError:
        return False


def _incomplete_message(path) -> str:
    return (f"数据库 {path} 未建完（创建时被中断，其中没有任何记录）：请用 qingmiao demo --force 重新生成，"
            "或用 qingmiao import 导入本单位数据（两者都会替换这个文件）")


def _has_schema(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database()"
        " and schema_name = 'main' and table_name = 'meta'"
    ).fetchall()[0][0])


def _schema_version(con: duckdb.DuckDBPyConnection) -> str | None:
    if not _has_schema(con):
        return None
    got = con.execute("select value from meta where key = 'schema_version'").fetchall()
    return got[0][0] if got else None


def _require_schema(con: duckdb.DuckDBPyConnection, path) -> None:
    found = _schema_version(con)
    if found is None:
        if str(path) != ":memory:" and database_state(con) == "incomplete":
            raise IncompleteDatabase(_incomplete_message(path))
        raise SchemaMismatch(f"{path} 不是青苗工作台数据库（缺少数据表），请用 qingmiao demo 或 qingmiao import 生成")
    if found != SCHEMA_VERSION:
        raise SchemaMismatch(
            f"数据库 {path} 的结构版本为 {found}，本程序需要 {SCHEMA_VERSION}：请用 qingmiao demo --force 重建或重新导入"
        )


#: Columns and tables added to schema version 2 without a version change (2026-12, 干部任免审批表):
#: a database made before them is brought up to date when opened (see :func:`upgrade`).
ADDED_PERSON_COLUMNS = ("native_place", "birthplace", "professional_title")
ADDED_TABLES = ("education_history", "resume_entries")


def upgrade(con: duckdb.DuckDBPyConnection, *, read_only: bool) -> bool:
    """Bring a database of this schema version made before the 干部任免审批表 additions up to date:
    opened for writing, the additions are made in it, in one transaction (``sql/upgrade/
    lrmx_additions.sql``: additive only, every row kept); opened read-only, empty temporary
    stand-ins take their place for this connection (``sql/upgrade/lrmx_readonly.sql`` and a
    view of persons with the new columns empty), so the file stays readable by every command.
    Returns True when anything was missing."""
    have = {t for (t,) in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database()"
        " and schema_name = 'main' and table_name in (select unnest(?::varchar[]))", [list(ADDED_TABLES)]
    ).fetchall()}
    cols = {c for (c,) in con.execute(
        "select column_name from duckdb_columns() where database_name = current_database()"
        " and schema_name = 'main' and table_name = 'persons'").fetchall()}
    if have == set(ADDED_TABLES) and set(ADDED_PERSON_COLUMNS) <= cols:
        return False
    if not read_only:
        con.execute("begin transaction")
        try:
            con.execute(sql.load("upgrade/lrmx_additions"))
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        return True
    if not have:  # (the additions are made in one transaction: both tables or neither)
        con.execute(sql.load("upgrade/lrmx_readonly"))
    home = con.execute("select current_database()").fetchall()[0][0]
    absent = ", ".join(f"null::varchar as {c}" for c in ADDED_PERSON_COLUMNS if c not in cols)
    if absent:  # the database's own name, quoted; the column names are the constants above
        con.execute('create or replace temp view persons as select *, ' + absent +
                    ' from "' + home.replace('"', '""') + '".main.persons')
    return True


def database_state(con: duckdb.DuckDBPyConnection) -> str:
    """What the database behind ``con`` is: ``"current"`` (this schema version), ``"other"`` (a
    Qingmiao database of another schema version), ``"incomplete"`` (an interrupted creation:
    nothing but objects of the Qingmiao schema, no schema version, no record in any table) or
    ``"foreign"`` (anything else — never replaced or repaired)."""
    found = _schema_version(con)
    if found is not None:
        return "current" if found == SCHEMA_VERSION else "other"
    own = _own_names()
    objects = con.execute("""
        select 'table', schema_name, table_name from duckdb_tables() where database_name = current_database()
        union all select 'view', schema_name, view_name from duckdb_views()
                  where database_name = current_database() and not internal
        union all select 'type', schema_name, type_name from duckdb_types()
                  where database_name = current_database() and not internal
        union all select 'sequence', schema_name, sequence_name from duckdb_sequences()
                  where database_name = current_database()
        union all select 'macro', schema_name, function_name from duckdb_functions()
                  where database_name = current_database() and not internal
    """).fetchall()
    for kind, schema, name in objects:
        if schema != "main" or (kind, name) not in own:
            return "foreign"
        # a name of our own schema, so safe to quote; meta may hold facts but no records
        if kind == "table" and name != "meta" and con.execute(
                f'select exists (select 1 from main."{name}")').fetchall()[0][0]:  # noqa: S608
            return "foreign"
    return "incomplete"


@functools.cache
def _own_names() -> frozenset[tuple[str, str]]:
    """(kind, name) of every object a Qingmiao database file holds: the schema's types and
    tables, and the derived tables the SQL files create (snapshots, import_log …)."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(sql.load("schema"))
        names = {("table", t) for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()}
        names |= {("type", t) for (t,) in con.execute(
            "select type_name from duckdb_types() where not internal and database_name = current_database()"
        ).fetchall()}
    finally:
        con.close()
    made = re.compile(r"create\s+(?:or\s+replace\s+)?table\s+(?:if\s+not\s+exists\s+)?(\w+)", re.IGNORECASE)
    stack = [resources.files("qingmiao_lib").joinpath("sql")]
    while stack:
        for item in stack.pop().iterdir():
            if item.is_dir():
                stack.append(item)
            elif item.name.endswith(".sql"):
                names |= {("table", m) for m in made.findall(item.read_text("utf-8"))}
    return frozenset(names)


def create_schema(con: duckdb.DuckDBPyConnection, *, constraints: bool = True) -> None:
    """Create every table of SPEC §3 and record the schema version, in one transaction (a
    creation cut short leaves no object behind).

    ``constraints=False`` leaves out the primary keys of the high-volume fact tables, for a bulk
    load that then calls ``add_constraints``.
    """
    con.execute("begin transaction")
    try:
        con.execute(sql.load("schema"))
        crash_point("schema:tables")
        set_meta(con, schema_version=SCHEMA_VERSION, created_at=dt.datetime.now().isoformat(timespec="seconds"))
        if constraints:
            add_constraints(con)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


# ---------------------------------------------------------------------------------------------
# new databases: built under a temporary name, moved onto the target only when complete
# ---------------------------------------------------------------------------------------------

#: Fault injection for the crash-safety tests (tests/test_crash_safety.py): with the environment
#: variable set to a point's name, the process kills itself (SIGKILL) when it reaches that point.
CRASH_ENV = "QINGMIAO_CRASH_AT"


def crash_point(name: str) -> None:
    """A named moment of a write (``new:closed``, ``import:validated`` …) where the crash-safety
    tests kill the process; does nothing unless ``QINGMIAO_CRASH_AT`` names it."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def temporary_name(path: Path) -> Path:
    """``<name>.building-<pid>-<8 hex>`` beside ``path``: the process that builds it and a random
    part, so concurrent runs never share one and a leftover can be told from a live build."""
    return path.with_name(f"{path.name}.building-{os.getpid()}-{secrets.token_hex(4)}")


def _temporary_pattern(path: Path) -> re.Pattern:
    # also the names of earlier versions (<name>.building-<pid>), and each file's .wal
    return re.compile(re.escape(path.name) + r"\.building-(\d+)(?:-[0-9a-f]{8})?(?:\.wal)?")


def _wal(path: Path) -> Path:
    return Path(str(path) + ".wal")


def _locked(path: Path) -> bool:
    """Does a process hold ``path`` open through DuckDB (which takes a POSIX record lock on it)?"""
    if fcntl is None or not path.exists():
        return False
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: leave it alone
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def clean_temporaries(path: str | Path) -> list[Path]:
    """Remove what killed runs left beside ``path``: only files named by
    :func:`temporary_name` (and their ``.wal``) whose process is gone and which no process holds
    open — a concurrent build's files are never touched. Returns the files removed."""
    path = Path(path)
    pattern = _temporary_pattern(path)
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(path.parent) if e.name.startswith(path.name + ".building-")]
    except OSError:
        return removed
    for entry in sorted(entries, key=lambda e: e.name):
        m = pattern.fullmatch(entry.name)
        if not m or not entry.is_file(follow_symlinks=False) or pid_alive(int(m[1])):
            continue
        file = Path(entry.path)
        main = file.with_name(file.name[:-4]) if file.name.endswith(".wal") else file
        if _locked(main):
            continue
        try:
            file.unlink()
        except FileNotFoundError:
            continue
        except OSError:  # held open (Windows) or not ours to delete
            continue
        removed.append(file)
    return removed


def _hold(path: Path) -> duckdb.DuckDBPyConnection | None:
    """A writable plain connection on an existing file (its lock held), or None for an empty file."""
    if _empty_file(path):
        return None
    return _duck(path, read_only=False)


def check_replaceable(path: str | Path) -> str:
    """May a new database replace the file at ``path`` (``qingmiao demo --force``)? Returns its
    :func:`database_state` for a Qingmiao database (any version) or an interrupted creation;
    raises :class:`DatabaseLocked` while another process holds it and
    :class:`SchemaMismatch` for any other file, which is never replaced."""
    path = Path(path)
    con = _hold(path)
    if con is None:
        return "incomplete"
    try:
        state = database_state(con)
    finally:
        con.close()
    if state == "foreign":
        raise SchemaMismatch(f"{path} 不是青苗工作台数据库，不会被覆盖（请换一个 --db 文件名）")
    return state


class NewDatabase:
    """A new database built under a temporary name beside ``path`` (:func:`temporary_name`) and
    moved onto ``path`` only when complete — checkpointed, closed, no ``.wal`` left — so a run
    killed at any moment leaves no file, or the previous one, never a broken one.

    ``replace`` says what may be at ``path`` when the new database is moved there:
    ``"missing"`` nothing, ``"incomplete"`` nothing or an interrupted creation
    (:class:`IncompleteDatabase`), ``"any"`` any Qingmiao database as well (``demo --force``;
    never a foreign file). The previous file stays whole until the rename. Leftovers of killed
    runs are removed first (:func:`clean_temporaries`).

    >>> new = NewDatabase(path, replace="missing")            # doctest: +SKIP
    >>> con = new.open(); ...; new.commit()                    # or: with NewDatabase(...) as con:
    """

    def __init__(self, path: str | Path, *, replace: str = "missing", rules=None, bulk_load: bool = False):
        if replace not in ("missing", "incomplete", "any"):
            raise ValueError(f"replace: {replace!r}")
        self.path = Path(path)
        self.replace = replace
        self.rules = rules
        self.bulk_load = bulk_load
        self.tmp: Path | None = None
        self.con: duckdb.DuckDBPyConnection | None = None

    def open(self, *, ready: bool = True) -> duckdb.DuckDBPyConnection:
        """Create the temporary file with the schema; returns a writable connection to it (with
        rules and macros unless ``ready=False``)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        clean_temporaries(self.path)
        self.tmp = temporary_name(self.path)
        try:
            self.con = _open(self.tmp, read_only=False, rules=self.rules, new=True, bulk_load=self.bulk_load,
                             ready=ready)
        except BaseException:
            self.discard()
            raise
        return self.con

    def commit(self) -> Path:
        """Checkpoint and close the new database, then move it onto ``path``; returns ``path``."""
        try:
            crash_point("new:written")
            self.con.execute("checkpoint")
            crash_point("new:checkpointed")
            self.con.close()
            self.con = None
            crash_point("new:closed")
            if _wal(self.tmp).exists():  # closing checkpoints; fold in whatever is left
                _duck(self.tmp, read_only=False).close()
            if _wal(self.tmp).exists():
                raise QingmiaoError(f"无法完成数据库 {self.path}：临时文件的预写日志未能并入")
            _install(self.tmp, self.path, self.replace)
        except BaseException:
            self.discard()
            raise
        return self.path

    def discard(self) -> None:
        """Close and remove the temporary files (the target is left as it was)."""
        if self.con is not None:
            try:
                self.con.close()
            finally:
                self.con = None
        if self.tmp is not None:
            for p in (self.tmp, _wal(self.tmp)):
                p.unlink(missing_ok=True)

    def create(self) -> Path:
        """A database with the schema and nothing else."""
        self.open(ready=False)
        return self.commit()

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        return self.open()

    def __exit__(self, kind, value, tb) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def _install(tmp: Path, path: Path, replace: str) -> None:
    """Move the complete database ``tmp`` onto ``path``. A previous file there is held open
    (its lock: nobody writes it meanwhile) and checkpointed, so no ``.wal`` of it outlives it
    — DuckDB would refuse the new file beside another's write-ahead log."""
    holder = None
    try:
        if path.exists():
            if replace == "missing":
                raise QingmiaoError(f"数据库已存在：{path}（另一个程序刚刚创建了它，本次未写入；如需覆盖请加 --force）")
            holder = _hold(path)
            state = "incomplete" if holder is None else database_state(holder)
            if state == "foreign":
                raise SchemaMismatch(f"{path} 不是青苗工作台数据库，不会被覆盖（请换一个 --db 文件名）")
            if replace == "incomplete" and state != "incomplete":
                raise QingmiaoError(f"数据库 {path} 在此期间已由另一个程序创建：本次未写入任何数据，请重新运行")
            if holder is not None:
                holder.execute("checkpoint")
            copy = path.with_name(path.name + ".importing")  # an import's copy, left by a kill
            for leftover in (copy, _wal(copy)):
                leftover.unlink(missing_ok=True)
        # the previous file's log (checkpointed above, or an orphan without its database)
        _wal(path).unlink(missing_ok=True)
        crash_point("new:replacing")
        if holder is not None and os.name == "nt":  # pragma: no cover - an open file cannot be replaced there
            holder.close()
            holder = None
        os.replace(tmp, path)
        crash_point("new:renamed")
        fsync_dir(path.parent)
    finally:
        if holder is not None:
            holder.close()


def replace_file(tmp: Path, path: Path, holder: duckdb.DuckDBPyConnection) -> None:
    """Move the complete copy ``tmp`` onto the database ``path`` while ``holder`` (a connection
    to ``path`` with nothing unwritten) keeps it locked; used by imports written into a copy."""
    if _wal(tmp).exists():
        _duck(tmp, read_only=False).close()
    holder.execute("checkpoint")
    _wal(path).unlink(missing_ok=True)
    if os.name == "nt":  # pragma: no cover
        holder.close()
    os.replace(tmp, path)
    fsync_dir(path.parent)


def add_constraints(con: duckdb.DuckDBPyConnection) -> None:
    """Add the deferred primary keys (see ``sql/constraints.sql``)."""
    con.execute(sql.load("constraints"))


#: How many recent year-ends refresh_snapshots stores (the years analyses and reports ask for).
SNAPSHOT_YEARS = 15
#: How many recent data years of quarterly grades refresh_snapshots stores as masks (64 bits).
QUARTER_MASK_YEARS = 16


def refresh_snapshots(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Store the base layer on 31 December of each recent data year (table ``snapshots``), the
    weekly lecture per person and year (table ``lecture_marks``), each person's courses per year
    (table ``training_years``), annual grades as bit masks (table ``grade_years``) and the
    quarterly grades of the last ``QUARTER_MASK_YEARS`` data years as bit masks (table
    ``quarter_masks``) and the shortlist's pool on the latest ``shortlist.POOL_YEARS`` of those
    year ends (table ``shortlist_pool``, :func:`qingmiao_lib.shortlist.store_pool`), each stamped
    in ``meta``.

    Called when the demo is built and inside every import's transaction, after the records are
    written, so the stored copy always matches the records. The years are the database's data
    span (``meta`` ``data_from``/``data_to``, else the records' own), the last ``SNAPSHOT_YEARS``
    of it. Returns the years stored.
    """
    # each derived table with the fingerprint of its inputs in meta ('<table>_stamp'): the
    # readers use a table only while its stamp still matches (stored_current)
    _store(con, "lecture_marks", "lecture_stamp")    # the weekly lecture per person and year
    _store(con, "training_years", "training_stamp")  # each person's courses per year
    _store(con, "grade_years", "grade_stamp")        # each person's annual grades as bit masks
    first, last = con.execute(sql.load("figures/data_years")).fetchall()[0]
    con.execute("delete from snapshots")
    from . import shortlist  # late: the shortlist reads this module's helpers

    if first is None:
        shortlist.store_pool(con, days=[])
        return []
    # each person's quarterly grades of the last 16 data years as bit masks, with the first year
    base = int(last) - QUARTER_MASK_YEARS + 1
    _store(con, "quarter_masks", "quarter_stamp", {"base": base})
    set_meta(con, quarter_masks_base=base)
    years = list(range(max(int(first), int(last) - SNAPSHOT_YEARS + 1), int(last) + 1))
    days = []
    for year in years:  # one set-based insert per year-end (rules: general.year_end)
        day = con.execute("select year_end(?::integer)", [year]).fetchall()[0][0]
        con.execute(sql.load("snapshots/store"), {"d": day})
        days.append(day)
    # the shortlist's pool on the latest of those year ends (table shortlist_pool), read from the
    # rows above
    shortlist.store_pool(con, days=days[-shortlist.POOL_YEARS:])
    return years


def _store(con: duckdb.DuckDBPyConnection, table: str, stamp: str, params: dict | None = None) -> None:
    """Write the derived table ``sql/snapshots/<table>.sql`` and record the fingerprint of its
    inputs (``sql/snapshots/<stamp>.sql``) in meta as ``<table>_stamp``."""
    if params:
        con.execute(sql.load(f"snapshots/{table}"), params)
    else:
        con.execute(sql.load(f"snapshots/{table}"))
    set_meta(con, **{f"{table}_stamp": con.execute(sql.load(f"snapshots/{stamp}")).fetchall()[0][0]})


def stored_current(con: duckdb.DuckDBPyConnection, table: str, stamp: str) -> bool:
    """May an analysis read the derived table ``table`` written by :func:`refresh_snapshots`?
    Only while it exists and the fingerprint stored with it (meta ``<table>_stamp``) is still
    what ``sql/snapshots/<stamp>.sql`` computes from the records and this connection's rules: a
    database changed after its refresh, or never refreshed, is never answered from a stale copy.
    Inside :func:`qingmiao_lib._steady.steady` (a report being built) the answer is looked up
    once."""
    def current() -> bool:
        present, stored = con.execute(
            "select exists (select 1 from duckdb_tables() where database_name = current_database()"
            " and schema_name = 'main' and table_name = ?), (select value from meta where key = ?)",
            [table, f"{table}_stamp"]).fetchall()[0]
        return bool(present and stored
                    and stored == con.execute(sql.load(f"snapshots/{stamp}")).fetchall()[0][0])

    return remembered(con, ("stored-current", table, stamp), current)   # once per steady block


#: the names :func:`install_once` ran on each connection (temporary macros live as long as it)
_INSTALLED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def install_once(con: duckdb.DuckDBPyConnection, name: str, text: str) -> None:
    """Run the macro definitions ``text`` on ``con`` unless ``name`` was installed on it already.
    The twins reading a stored table are created when first used, not at connect: a macro is
    bound when created, so only once the table exists (the names are kept per connection object,
    in Python: no statement to ask; listing duckdb_functions() is slow)."""
    done = _INSTALLED.setdefault(con, set())
    if name in done:
        return
    con.execute(text)
    done.add(name)


def set_meta(con: duckdb.DuckDBPyConnection, **values: str) -> None:
    """Record facts about the database (schema version, source, rules version …)."""
    for key, value in values.items():
        con.execute(
            "insert or replace into meta (key, value) values (?, ?)", [key, str(value)]
        )


def meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """All facts recorded in ``meta``."""
    return dict(con.execute("select key, value from meta order by key").fetchall())


def rules_version(con: duckdb.DuckDBPyConnection) -> str:
    """The version of the rules loaded on this connection."""
    return remembered(con, ("rules-version",),
                      lambda: con.execute("select rule_txt('meta.version')").fetchall()[0][0])
