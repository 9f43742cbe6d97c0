"""What a database file holds: its schema version, whether it is ours (:func:`database_state`),
and the additions made to schema version 2 without a version change (:func:`upgrade`).

Split from :mod:`qingmiao_lib.db`, which re-exports every public name here.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

import duckdb

from . import sql
from .config import SCHEMA_VERSION


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
