"""Opening a Qingmiao database: schema, rules and SQL macros ready on every connection.

The rest of a database's handling lives beside it and is re-exported here, so ``db.<name>``
stays where callers know it: what a file holds and its upgrade (:mod:`._db_state`), a file's
life cycle — new files under a temporary name, leftovers, locks, crash points (:mod:`._db_files`)
— and the stored snapshots (:mod:`._db_stored`). ``create_schema`` stays here: it calls
:func:`set_meta` through this module's name (the schema test replaces it there).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from . import _steady, sql
from . import rules as rules_mod
from ._db_files import (  # noqa: F401 - re-exported: db.<name> as before the split
    CRASH_ENV,
    NewDatabase,
    _duck,
    _empty_file,
    check_replaceable,
    clean_temporaries,
    crash_point,
    replace_file,
    temporary_name,
)
from ._db_state import (  # noqa: F401 - re-exported
    ADDED_PERSON_COLUMNS,
    ADDED_TABLES,
    _schema_version,
    database_state,
    upgrade,
)
from ._db_stored import (  # noqa: F401 - re-exported
    QUARTER_MASK_YEARS,
    SNAPSHOT_YEARS,
    refresh_snapshots,
    stored_current,
    stored_days,
    stored_meta,
)
from ._macros import CORE
from ._macros import INSTALLED as _INSTALLED  # noqa: F401 - the names installed per connection
from ._macros import install_all as install_all  # re-exported: SQL of one's own calling area macros
from ._macros import install_once as install_once  # re-exported
from .config import DEFAULT_DB, SCHEMA_VERSION
from .errors import DatabaseMissing, SchemaMismatch

TABLES = (
    "units", "persons", "posts", "ranks", "pool_members", "trainings", "lectures",
    "lecture_attendance", "mentorships", "practices", "annual_assessments",
    "regular_assessments", "special_tasks", "rewards", "supervision", "quotas",
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
        With the temporary tables ``rule_*`` and the base layer's macros ``person_snapshot(as_of)``,
        ``age_on``, ``full_months`` … ready. An analysis area's macros (``training_obligations``,
        ``eval_slice`` …) are created when a library query first calls one
        (:mod:`qingmiao_lib._macros`); SQL of one's own that calls them runs after
        :func:`install_all`.

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
        # the base layer's macros now; each area's when a query first calls one (_macros.ensure)
        for name in CORE:
            con.execute(sql.load(name))
    except BaseException:
        con.close()
        raise
    if read_only and path != ":memory:":
        _steady.read_only(con)      # its tables cannot change while open: looked up once
    return con


def _incomplete_message(path) -> str:
    return (f"数据库 {path} 未建完（创建时被中断，其中没有任何记录）：请用 qingmiao demo --force 重新生成，"
            "或用 qingmiao import 导入本单位数据（两者都会替换这个文件）")


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


def add_constraints(con: duckdb.DuckDBPyConnection) -> None:
    """Add the deferred primary keys (see ``sql/constraints.sql``)."""
    con.execute(sql.load("constraints"))


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
    """The version of the rules loaded on this connection (``meta.version``): read with the
    other rules the areas read (:func:`qingmiao_lib._query.rules`, once per steady block)."""
    from ._query import rules  # late: _query reads this module

    return rules(con).version
