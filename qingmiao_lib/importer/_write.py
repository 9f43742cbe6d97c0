"""Writing validated tables in one transaction: a record replaces its earlier version by natural
key (``contract.Table.key``) — in a ``per_person`` table (简历, 学历学位) the files' rows replace all
rows of each person they name; with ``replace`` each imported table becomes equal to its files.
Referenced tables (units, persons) are changed in place, never deleted while referenced."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import duckdb

from .. import sql
from ..contract import ORDER, PARENTS, TABLES
from ..db import refresh_snapshots, set_meta
from ._validate import _key_match, _q


def counts(con: duckdb.DuckDBPyConnection, staged: set[str], replace: bool) -> dict[str, dict[str, int]]:
    """Per imported table: rows read, new, changed, unchanged, and deleted (``replace``)."""
    out = {}
    for name in ORDER:
        if name not in staged:
            continue
        t = TABLES[name]
        cols = [c.name for c in t.stored_columns]
        same = " and ".join(f"s.{_q(c)} is not distinct from t.{_q(c)}" for c in cols)
        read, new, unchanged = con.execute(f"""
            select count(*),
                   count(*) filter (where not exists (select 1 from main.{name} t where {_key_match(t.key, 's', 't')})),
                   count(*) filter (where exists (select 1 from main.{name} t where {same}))
            from stg_{name} s""").fetchall()[0]
        deleted = 0
        if replace or t.per_person:  # per person: the named persons' rows the files no longer have
            mine = "" if replace else f"t.person_id in (select person_id from stg_{name}) and"
            deleted = con.execute(f"""
                select count(*) from main.{name} t
                where {mine} not exists (select 1 from stg_{name} s where {_key_match(t.key, 's', 't')})""").fetchall()[0][0]
        out[name] = dict(read=read, new=new, changed=read - new - unchanged, unchanged=unchanged,
                         deleted=deleted)
    return out


def _cols(name: str) -> str:
    return ", ".join(_q(c.name) for c in TABLES[name].stored_columns)


def _delete_absent(con, name: str) -> None:
    """Delete the persons the file no longer has (validation made sure nothing left refers to them)."""
    t = TABLES[name]
    con.execute(f"delete from {name} where not exists "
                f"(select 1 from stg_{name} s where {_key_match(t.key, 's', name)})")


def _insert_units_by_level(con, src: str) -> None:
    """Insert the units of ``src`` not yet present, each after its parent (a unit may name a
    parent that comes later in the file; DuckDB checks the reference row by row)."""
    con.execute(f"create or replace temp table _todo as select * from {src} "
                "where unit_id not in (select unit_id from units)")
    while True:
        con.execute("""create or replace temp table _level as select * from _todo
                       where parent_id is null or parent_id in (select unit_id from units)""")
        if not con.execute("select count(*) from _level").fetchall()[0][0]:
            break
        con.execute(f"insert into units ({_cols('units')}) select {_cols('units')} from _level")
        con.execute("delete from _todo where unit_id in (select unit_id from _level)")


def _write_units(con, replace: bool) -> None:
    """New units are inserted. When a unit changes or goes (``replace``), DuckDB cannot update a
    referenced row in place, so the units and the rows referring to them (posts, quotas) are
    set aside, units rebuilt, and the rows put back — all inside the one transaction."""
    cols = [c.name for c in TABLES["units"].stored_columns]
    same = " and ".join(f"s.{_q(c)} is not distinct from u.{_q(c)}" for c in cols)
    changed = con.execute(f"""select count(*) from units u join stg_units s using (unit_id)
                              where not ({same})""").fetchall()[0][0]
    gone = con.execute("select count(*) from units where unit_id not in (select unit_id from stg_units)"
                       ).fetchall()[0][0] if replace else 0
    if not changed and not gone:
        _insert_units_by_level(con, "stg_units")
        return
    keep = "" if replace else "union all select * from units where unit_id not in (select unit_id from stg_units)"
    con.execute(f"create or replace temp table _units_final as select {_cols('units')} from stg_units {keep}")
    for name in ("posts", "quotas"):
        con.execute(f"create or replace temp table _keep_{name} as select * from {name}")
        con.execute(f"delete from {name}")
    while con.execute("""delete from units
                         where unit_id not in (select parent_id from units where parent_id is not null)"""
                      ).fetchall()[0][0]:
        pass
    _insert_units_by_level(con, "_units_final")
    for name in ("posts", "quotas"):
        con.execute(f"insert into {name} select * from _keep_{name}")
        con.execute(f"drop table _keep_{name}")


def write_table(con, name: str, replace: bool) -> None:
    """Write one validated table (``stg_<name>``) into the open transaction."""
    t = TABLES[name]
    if name == "units":
        _write_units(con, replace)
    elif name in PARENTS:
        key = ", ".join(_q(k) for k in t.key)
        sets = ", ".join(f"{_q(c.name)} = excluded.{_q(c.name)}" for c in t.stored_columns if c.name not in t.key)
        con.execute(f"insert into {name} ({_cols(name)}) select {_cols(name)} from stg_{name} "
                    f"on conflict ({key}) do update set {sets}")
    else:
        if not replace and t.per_person:
            con.execute(f"delete from {name} where person_id in (select person_id from stg_{name})")
        elif not replace:
            con.execute(f"delete from {name} as t using stg_{name} as s where {_key_match(t.key, 's', 't')}")
        con.execute(f"insert into {name} ({_cols(name)}) select {_cols(name)} from stg_{name}")


def _apply(con, staged: set[str], replace: bool, files: list[dict], row_counts: dict) -> None:
    if replace:
        for name in reversed(ORDER):
            if name in staged and name not in PARENTS:
                con.execute(f"delete from {name}")
        if "persons" in staged:
            _delete_absent(con, "persons")
    for name in ORDER:
        if name in staged:
            write_table(con, name, replace)
    con.execute(sql.load("importer/import_log"))
    combined = hashlib.sha256("".join(f["sha256"] for f in files).encode()).hexdigest()
    con.execute("insert into import_log values (?, ?, ?, ?, ?)", [
        dt.datetime.now().replace(microsecond=0), json.dumps(files, ensure_ascii=False),
        json.dumps(row_counts, ensure_ascii=False), combined, replace])
    first, last = con.execute("select * from records_span()").fetchall()[0]
    if first is not None:
        set_meta(con, data_from=first, data_to=last)
    set_meta(con, last_import=dt.datetime.now().isoformat(timespec="seconds"))
    refresh_snapshots(con)  # the stored base layer follows the records, in the same transaction


def needs_copy(row_counts: dict) -> bool:
    """True when referenced rows change or go (a unit renamed, a person removed by ``replace``):
    DuckDB checks a foreign key against rows deleted earlier in the same transaction, so such an
    import is written step by step into a copy of the database that then replaces it."""
    units, persons = row_counts.get("units"), row_counts.get("persons")
    return bool(units and (units["changed"] or units["deleted"])) or bool(persons and persons["deleted"])


def write(con, staged: set[str], replace: bool, *, files: list[dict], row_counts: dict) -> None:
    """Everything in one transaction: deletes child-first, writes parent-first, the log row and
    the records' span in ``meta``. Any failure rolls back all of it."""
    con.execute("begin transaction")
    try:
        _apply(con, staged, replace, files, row_counts)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def copy_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".importing")


def write_copy(con, db_path: Path, staged: set[str], replace: bool, *, files: list[dict],
               row_counts: dict) -> Path:
    """Write into a copy of the database (``<db>.importing``) and return it; the caller renames the
    copy over the database while its connection still holds the database's lock
    (``db.replace_file``) — atomic, so a killed import leaves the database as it was (and only
    the copy behind, removed by the next import or by a rebuild)."""
    tmp = copy_path(db_path)
    for leftover in (tmp, Path(str(tmp) + ".wal")):
        leftover.unlink(missing_ok=True)
    con.execute("checkpoint")
    shutil.copyfile(db_path, tmp)
    home = con.execute("select current_database()").fetchall()[0][0]
    con.execute("attach '" + str(tmp).replace("'", "''") + "' as qm_import_copy")
    try:
        con.execute("use qm_import_copy")
        try:
            _apply(con, staged, replace, files, row_counts)
        finally:
            con.execute('use "' + home.replace('"', '""') + '"')
        con.execute("checkpoint qm_import_copy")
    finally:
        con.execute("detach qm_import_copy")
    return tmp
