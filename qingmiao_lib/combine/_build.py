"""Building the combined database: every county checked whole first, then one new file written
under a temporary name and moved onto the target only when complete (``db.NewDatabase``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from .. import rules as rules_mod
from .. import sql
from ..contract import ORDER
from ..db import (
    TABLES,
    IncompleteDatabase,
    NewDatabase,
    add_constraints,
    connect,
    crash_point,
    meta,
    refresh_snapshots,
    set_meta,
)
from ..errors import DatabaseLocked, QingmiaoError, RulesError, SchemaMismatch
from ..importer._export import table_checksums
from ..outputs import database_inputs, guard
from . import _tables


@dataclass(frozen=True)
class County:
    """One county's database to combine.

    ``code`` (the prefix of its keys): default the source's meta ``county_code``, else the file
    name without extension. ``name``: default meta ``county_name``, else ``jurisdiction``, else
    the code. ``rules``: the county's locality rules file (default: :func:`combine`'s ``rules``).
    """

    path: Path
    code: str | None = None
    name: str | None = None
    rules: Path | None = None


def _first_line(e: BaseException) -> str:
    return str(e).splitlines()[0] if str(e) else type(e).__name__


def is_combined(con: duckdb.DuckDBPyConnection) -> bool:
    """Is ``con`` a combined database (it holds the table ``counties``)?"""
    return bool(con.execute(sql.load("combine/is_combined")).fetchall()[0][0])


def _inspect(src: County, default_rules, names: dict, county_rules: dict) -> dict:
    """Everything about one county before anything is written: readable through and through, of
    this schema version, not itself a combination, its code, name, rules and checksums. Any
    problem is a QingmiaoError naming the file: the whole combination stops."""
    path = Path(src.path)
    label = f"县数据库 {path}"
    if not path.is_file():
        raise QingmiaoError(f"{label} 不存在，未汇总任何数据")
    try:
        con = connect(path, read_only=True)
    except DatabaseLocked:
        raise
    except (SchemaMismatch, duckdb.Error, OSError) as e:
        raise QingmiaoError(f"{label} 被拒绝（已损坏或结构版本不符），未汇总任何数据：{_first_line(e)}") from None
    try:
        if is_combined(con):
            raise QingmiaoError(f"{label} 本身是汇总数据库，不能再作为一个县汇总")
        info = meta(con)
        sums = table_checksums(con, ORDER)  # reads every row: a damaged block fails here
    except duckdb.Error as e:
        raise QingmiaoError(f"{label} 已损坏（读取记录时出错），未汇总任何数据：{_first_line(e)}") from None
    finally:
        con.close()
    code = src.code or info.get("county_code") or path.stem
    if not _tables.CODE_RE.fullmatch(code):
        raise QingmiaoError(f"{label} 的县代码 {code!r} 只能由字母、数字、_ 和 - 组成（至多32个）："
                            "请写作 代码=文件，如 140581=高平市.duckdb")
    rules_path = county_rules.get(code, src.rules if src.rules is not None else default_rules)
    try:
        loaded = rules_mod.load(rules_path)
    except RulesError as e:
        raise QingmiaoError(f"县 {code} 的规则：{e}") from None
    version = rules_mod.version(loaded)
    span = [info.get(k) for k in ("data_from", "data_to")]
    return {
        "county": code, "name": names.get(code) or src.name or info.get("county_name") or info.get("jurisdiction") or code,
        "path": path, "source_file": str(path.resolve()), "source_created_at": info.get("created_at"),
        "schema_version": info["schema_version"],
        "data_checksum": hashlib.sha256(json.dumps(sums, sort_keys=True).encode()).hexdigest(),
        "table_checksums": json.dumps(sums, sort_keys=True), "rows": {t: int(v.split(":")[0]) for t, v in sums.items()},
        "rules_version": version, "source_rules_version": info.get("rules_version"),
        "rules_json": json.dumps(loaded, sort_keys=True, ensure_ascii=False, separators=(",", ":")),
        "rules_file": None if rules_path is None else str(rules_path),
        "rules_toml": None if rules_path is None else Path(rules_path).read_text("utf-8"),
        "persons": int(sums["persons"].split(":")[0]),
        "data_from": int(span[0]) if span[0] else None, "data_to": int(span[1]) if span[1] else None,
    }


def _previous(out: Path) -> list[dict]:
    """The counties of the combined database at ``out`` (none when there is no file there)."""
    if not out.exists():
        return []
    try:
        con = connect(out, read_only=True)
    except IncompleteDatabase:
        return []
    try:
        if not is_combined(con):
            raise QingmiaoError(f"{out} 是一个县的数据库而不是汇总数据库，不会被覆盖（请换一个 --out 文件名）")
        return con.execute(sql.load("combine/counties")).df().to_dict("records")
    finally:
        con.close()


def combine(out: str | Path, sources: Sequence[str | Path | County], *, rules: str | Path | None = None,
            allow_different_rules: bool = False, name: str | None = None,
            names: Mapping[str, str] | None = None,
            county_rules: Mapping[str, str | Path] | None = None) -> pd.DataFrame:
    """Combine counties' databases into one (SPEC §1, §9), all or nothing.

    Parameters
    ----------
    out
        The combined database. When it exists (a combined database), the counties given replace
        their earlier selves and the others stay as they were, row for row.
    sources
        The counties' databases (paths or :class:`County`).
    rules
        The rules of the counties not given their own (``County.rules``), and of the combined
        database's own connection (its stored snapshots).
    allow_different_rules
        Counties judged by different rules may be combined (each county's figures and
        eligibility are then computed under its own rules by :func:`by_county`); else refused.
    name
        The combined jurisdiction's name (meta ``jurisdiction``).
    names, county_rules
        By county code: a county's name, a county's own rules file (over ``County.name`` and
        ``County.rules``); a code that is none of the sources' is refused.

    Returns
    -------
    pandas.DataFrame
        One row per county of the result: ``county, name, status`` (新增 added, 替换 replaced,
        未变 re-combined from identical records and rules, 保留 kept from the earlier file),
        ``persons, rules_version, data_checksum`` and ``note`` (a county whose database says it
        was built under other rules than it is now judged by — its meta ``rules_version``, e.g. a
        demo built before the shipped rules changed — is combined, and the note says so).

    Raises
    ------
    QingmiaoError
        A county's file missing, damaged, of another schema version, itself a combination, two
        sources of one code, or different rules without ``allow_different_rules``: nothing is
        written, the message names the file.
    """
    out = Path(out)
    sources = [s if isinstance(s, County) else County(Path(s)) for s in sources]
    if not sources:
        raise QingmiaoError("没有给出要汇总的县数据库")
    for s in sources:
        guard(out, inputs=[*database_inputs(s.path), s.rules, rules], what="--out")
    names, county_rules = dict(names or {}), dict(county_rules or {})
    for s in county_rules.values():
        guard(out, inputs=[s], what="--out")
    new = [_inspect(s, rules, names, county_rules) for s in sources]
    codes = [c["county"] for c in new]
    unknown = sorted((set(names) | set(county_rules)) - set(codes))
    if unknown:
        raise QingmiaoError(f"县代码 {'、'.join(unknown)} 不是所给数据库中的任何一个县"
                            f"（本次的县：{'、'.join(codes)}）")
    files = [c["source_file"] for c in new]
    again = sorted({f for f in files if files.count(f) > 1})
    if again:
        raise QingmiaoError(f"县数据库 {again[0]} 给了两次（每个县只能给一个数据库）")
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise QingmiaoError(f"县代码 {'、'.join(twice)} 出现了不止一次（每个县只能给一个数据库）")
    previous = {c["county"]: c for c in _previous(out)}
    kept = [c for c in previous.values() if c["county"] not in codes]
    versions = {c["county"]: c["rules_version"] for c in [*kept, *new]}
    if len(set(versions.values())) > 1 and not allow_different_rules:
        listed = "；".join(f"{k}：{v}" for k, v in sorted(versions.items()))
        raise QingmiaoError(f"各县的规则不同（{listed}），未汇总任何数据：确认各县按本县规则比较后，"
                            "加 --allow-different-rules 再运行")
    status = {}
    for c in new:
        old = previous.get(c["county"])
        status[c["county"]] = ("新增" if old is None else "未变" if (
            old["data_checksum"], old["rules_version"]) == (c["data_checksum"], c["rules_version"]) else "替换")
    status.update({c["county"]: "保留" for c in kept})
    _write(out, new, [c["county"] for c in kept], rules=rules, name=name,
           differ=len(set(versions.values())) > 1)
    rows = sorted([*kept, *new], key=lambda c: c["county"])
    return pd.DataFrame([{"county": c["county"], "name": c["name"], "status": status[c["county"]],
                          "persons": int(c["persons"]), "rules_version": c["rules_version"],
                          "data_checksum": c["data_checksum"], "note": _note(c)} for c in rows])


def _note(c: dict) -> str:
    built = c.get("source_rules_version")
    if isinstance(built, str) and built and built != c["rules_version"]:
        return f"该县数据库按规则 {built} 生成，汇总后按 {c['rules_version']} 判断"
    return ""


#: the columns of counties read from a county's facts (the parameters of combine/insert_county.sql)
_COUNTY_COLUMNS = ("county", "name", "source_file", "source_created_at", "schema_version", "data_checksum",
                   "table_checksums", "rules_version", "source_rules_version", "rules_json", "rules_file",
                   "rules_toml", "persons", "data_from", "data_to")


def _write(out: Path, new: list[dict], kept: list[str], *, rules, name: str | None, differ: bool) -> None:
    target = NewDatabase(out, replace="any", rules=rules, bulk_load=True)
    con = target.open()
    try:
        con.execute(sql.load("combine/tables"))
        if kept:
            con.execute("attach $p as old (read_only)", {"p": str(out)})
            for table in ("counties", *TABLES, "county_quotas"):
                _tables.copy_kept(con, table, counties=kept)
            con.execute("detach old")
        now = dt.datetime.now().replace(microsecond=0)
        for c in new:
            _copy_county(con, c, now)
        crash_point("combine:copied")
        add_constraints(con)
        first, last = con.execute(sql.load("combine/span")).fetchall()[0]
        if first is not None:
            set_meta(con, data_from=first, data_to=last)
        codes = sorted([*kept, *(c["county"] for c in new)])
        set_meta(con, combined_counties=",".join(codes), rules_differ=str(differ).lower(),
                 jurisdiction=name or f"多县汇总（{'、'.join(codes)}）", source="qingmiao combine",
                 combined_at=now.isoformat())
        refresh_snapshots(con)
        crash_point("combine:written")
    except BaseException:
        target.discard()
        raise
    target.commit()


def _copy_county(con: duckdb.DuckDBPyConnection, c: dict, now: dt.datetime) -> None:
    """One county's records, keys prefixed, checked against the source's row counts."""
    label = f"县数据库 {c['path']}"
    try:
        con.execute("attach $p as src (read_only)", {"p": str(c["path"])})
    except duckdb.Error as e:
        raise QingmiaoError(f"{label} 无法打开，未汇总任何数据：{_first_line(e)}") from None
    try:
        con.execute(sql.load("combine/insert_county"),
                    {**{k: c[k] for k in _COUNTY_COLUMNS}, "combined_at": now})
        for table in TABLES:
            n = _tables.copy_county(con, table, county=c["county"])
            if n != c["rows"][table]:
                raise QingmiaoError(f"{label} 在汇总期间发生了变化（{table} 读到 {n} 行，核对时为 "
                                    f"{c['rows'][table]} 行），未汇总任何数据：请重新运行")
    except duckdb.Error as e:
        raise QingmiaoError(f"{label} 无法汇总（已损坏或记录不合规），未汇总任何数据：{_first_line(e)}") from None
    finally:
        con.execute("detach src")
