"""Opening a Qingmiao database: schema, rules and SQL macros ready on every connection."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from . import rules as rules_mod
from . import sql
from .config import DEFAULT_DB, SCHEMA_VERSION
from .errors import DatabaseLocked, DatabaseMissing, SchemaMismatch

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
        Create the file and its schema if it does not exist (implies ``read_only=False``).
    bulk_load
        With ``create``: leave out the deferred primary keys (``sql/constraints.sql``) so a bulk
        loader can fill the tables first and then call :func:`add_constraints`.

    Returns
    -------
    duckdb.DuckDBPyConnection
        With the temporary tables ``rule_*`` and the macros ``person_snapshot(as_of)``,
        ``age_on``, ``full_months`` … ready.

    Examples
    --------
    >>> import qingmiao_lib as qm
    >>> con = qm.connect(":memory:", create=True)
    >>> con.execute("select age_on(date '1984-06-30', date '2024-06-30')").fetchall()
    [(40,)]
    """
    memory = str(path) == ":memory:"
    path = str(path) if memory else Path(path)
    if not memory and not create and not path.exists():
        raise DatabaseMissing(
            f"数据库文件不存在：{path}（请先运行 qingmiao demo 生成示范数据，或 qingmiao import 导入本单位数据）"
        )
    if create:
        read_only = False
        if not memory:
            path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only and not memory)
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise DatabaseLocked(
                f"数据库 {path} 正被另一个程序占用（例如打开着的笔记本，或正在运行的 qingmiao demo/import），"
                "请关闭该程序后重试"
            ) from None
        raise SchemaMismatch(f"无法打开数据库 {path}：{str(e).splitlines()[0]}") from None
    except duckdb.Error as e:
        raise SchemaMismatch(f"无法打开数据库 {path}：{str(e).splitlines()[0]}") from None
    try:
        con.execute("set enable_progress_bar = false")
        if not _has_schema(con):
            if not create:
                raise SchemaMismatch(f"{path} 不是青苗工作台数据库（缺少数据表），请用 qingmiao demo 或 qingmiao import 生成")
            create_schema(con, constraints=not bulk_load)
        _check_version(con, path)
        loaded = rules_mod.load(rules)
        rules_mod.install(con, loaded)
        for name in _MACROS:
            con.execute(sql.load(name))
    except BaseException:
        con.close()
        raise
    return con


def _has_schema(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database()"
        " and schema_name = 'main' and table_name = 'meta'"
    ).fetchall()[0][0])


def _check_version(con: duckdb.DuckDBPyConnection, path) -> None:
    got = con.execute("select value from meta where key = 'schema_version'").fetchall()
    if not got or got[0][0] != SCHEMA_VERSION:
        found = got[0][0] if got else "无"
        raise SchemaMismatch(
            f"数据库 {path} 的结构版本为 {found}，本程序需要 {SCHEMA_VERSION}：请用 qingmiao demo --force 重建或重新导入"
        )


def create_schema(con: duckdb.DuckDBPyConnection, *, constraints: bool = True) -> None:
    """Create every table of SPEC §3 and record the schema version.

    ``constraints=False`` leaves out the primary keys of the high-volume fact tables, for a bulk
    load that then calls ``add_constraints``.
    """
    con.execute(sql.load("schema"))
    set_meta(con, schema_version=SCHEMA_VERSION, created_at=dt.datetime.now().isoformat(timespec="seconds"))
    if constraints:
        add_constraints(con)


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
    ``quarter_masks``), each stamped in ``meta``.

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
    if first is None:
        return []
    # each person's quarterly grades of the last 16 data years as bit masks, with the first year
    base = int(last) - QUARTER_MASK_YEARS + 1
    _store(con, "quarter_masks", "quarter_stamp", {"base": base})
    set_meta(con, quarter_masks_base=base)
    years = list(range(max(int(first), int(last) - SNAPSHOT_YEARS + 1), int(last) + 1))
    for year in years:  # one set-based insert per year-end (rules: general.year_end)
        day = con.execute("select year_end(?::integer)", [year]).fetchall()[0][0]
        con.execute(sql.load("snapshots/store"), {"d": day})
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
    database changed after its refresh, or never refreshed, is never answered from a stale copy."""
    present, stored = con.execute(
        "select exists (select 1 from duckdb_tables() where database_name = current_database()"
        " and schema_name = 'main' and table_name = ?), (select value from meta where key = ?)",
        [table, f"{table}_stamp"]).fetchall()[0]
    return bool(present and stored
                and stored == con.execute(sql.load(f"snapshots/{stamp}")).fetchall()[0][0])


def install_once(con: duckdb.DuckDBPyConnection, name: str, text: str) -> None:
    """Run the macro definitions ``text`` on ``con`` unless ``name`` was installed on it already.
    The twins reading a stored table are created when first used, not at connect: a macro is
    bound when created, so only once the table exists (the names are kept in a session
    variable; listing duckdb_functions() is slow)."""
    if con.execute("select list_contains(coalesce(getvariable('qingmiao_installed'), []::varchar[]), ?)",
                   [name]).fetchall()[0][0]:
        return
    con.execute(text)
    con.execute("set variable qingmiao_installed = list_append("
                "coalesce(getvariable('qingmiao_installed'), []::varchar[]), ?)", [name])


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
    return con.execute("select rule_txt('meta.version')").fetchall()[0][0]
