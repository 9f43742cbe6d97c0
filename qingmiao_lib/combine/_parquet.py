"""Every table as Parquet, partitioned by county in hive layout, for engines beyond one machine
(DuckDB, Spark, Trino read the folder as it is): ``DIR/<table>/county=CODE/data_0.parquet``."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
from pathlib import Path

import duckdb
import pandas as pd

from .. import sql
from ..config import SCHEMA_VERSION
from ..db import TABLES, crash_point, meta
from ..errors import QingmiaoError
from ..outputs import fsync_dir, pid_alive
from . import _tables
from ._build import is_combined

#: The file that marks a folder as written by :func:`export_parquet` (engines skip names
#: starting with ``_``): what it holds, and that a later export may replace it.
MARKER = "_qingmiao.json"


def database_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind ``con`` (None in memory)."""
    got = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchall()
    return Path(got[0][0]) if got and got[0][0] else None


def _county_of(con: duckdb.DuckDBPyConnection, county: str | None) -> tuple[str, str]:
    info = meta(con)
    path = database_path(con)
    code = county or info.get("county_code") or (path.stem if path else None)
    if not code or not _tables.CODE_RE.fullmatch(code):
        raise QingmiaoError(f"县代码 {code!r} 只能由字母、数字、_ 和 - 组成（至多32个）：请用 --county 代码 指定")
    return code, info.get("county_name") or info.get("jurisdiction") or code


def _check_target(folder: Path, *, force: bool) -> None:
    if not folder.parent.is_dir():
        raise QingmiaoError(f"目录不存在：{folder.parent}（请先创建该目录）")
    if not folder.exists():
        return
    if not folder.is_dir():
        raise QingmiaoError(f"{folder} 是一个文件，不会被覆盖：请给出一个目录")
    if any(folder.iterdir()):
        if not (folder / MARKER).is_file():
            raise QingmiaoError(f"目录 {folder} 不是空目录，也不是 qingmiao export 写出的目录：不会覆盖其中的文件")
        if not force:
            raise QingmiaoError(f"目录 {folder} 中已有一次导出：覆盖请加 --force")


def export_parquet(con: duckdb.DuckDBPyConnection, folder: str | Path, *, county: str | None = None,
                   unmasked: bool = False, force: bool = False) -> pd.DataFrame:
    """Write every table of the database as Parquet, partitioned by county (hive layout).

    Parameters
    ----------
    con
        A combined database (each row's county is its key's prefix) or one county's own
        database (its keys are written prefixed ``CODE:``, so several counties' folders read as
        one, exactly like a combined database's).
    folder
        ``DIR``: written as ``DIR/<table>/county=CODE/*.parquet`` plus ``DIR/counties`` and the
        marker ``DIR/_qingmiao.json``. It must not exist, be empty, or (``force``) hold an
        earlier export; the new folder is built beside it (``.DIR.building-<pid>-<hex>``, removed
        by the next export if a killed run left it) and moved there only when complete.
    county
        A county database's code (default: meta ``county_code``, else the file name).
    unmasked
        Persons' full names (default masked, 张*明).

    Returns
    -------
    pandas.DataFrame
        One row per table and county written: ``table, county, rows`` (read back from the files).
    """
    folder = Path(folder)
    _check_target(folder, force=force)
    combined = is_combined(con)
    if combined and county is not None:
        raise QingmiaoError("汇总数据库的每一行都带有县代码，不能再用 --county 指定")
    params = {} if combined else dict(zip(("county", "name"), _county_of(con, county), strict=True))
    _clean_stale(folder)
    tmp = folder.with_name(f".{folder.name}.building-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        tmp.mkdir()
        con.execute(sql.load("combine/mask_name"))
        written = []
        for table in TABLES:
            rows = _tables.parquet_select(table, combined=combined, unmasked=unmasked)
            written += _write(con, rows, tmp, table, params={"county": params["county"]} if params else {})
        if combined:
            rows = "select * from main.counties"
        else:
            rows = sql.load("combine/county_row")
            params["rules_version"] = meta(con).get("rules_version")
        written += _write(con, rows, tmp, "counties", params=params)
        report = pd.DataFrame(written, columns=["table", "county", "rows"])
        info = {"format": "qingmiao-parquet", "layout": "hive: <table>/county=<code>/*.parquet",
                "schema_version": SCHEMA_VERSION, "combined": combined, "names_masked": not unmasked,
                "written_at": dt.datetime.now().isoformat(timespec="seconds"),
                "counties": sorted(set(report["county"])),
                "rows": {t: int(report.loc[report["table"] == t, "rows"].sum()) for t in dict.fromkeys(report["table"])}}
        (tmp / MARKER).write_text(json.dumps(info, ensure_ascii=False, indent=1), "utf-8")
        crash_point("export:written")
        _place(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return report


def _write(con, rows: str, tmp: Path, table: str, *, params: dict) -> list[tuple[str, str, int]]:
    """COPY the select ``rows`` to ``tmp/table`` partitioned by county; a table without rows
    gets one empty file (its columns) so every table can be read."""
    target = tmp / table
    con.execute(f"copy ({rows}) to $target (format parquet, partition_by (county))",  # noqa: S608
                {**params, "target": str(target)})
    if not target.exists():
        empty = target / f"county={params.get('county', 'none')}"
        empty.mkdir(parents=True)
        con.execute(f"copy (select * exclude (county) from ({rows}) limit 0) to $target (format parquet)",  # noqa: S608
                    {**params, "target": str(empty / "data_0.parquet")})
        return []
    back = con.execute(sql.load("combine/exported_rows"), {"files": str(target / "*" / "*.parquet")}).fetchall()
    return [(table, c, int(n)) for c, n in back]


def _clean_stale(folder: Path) -> None:
    """Remove the folders a killed export to ``folder`` left beside it (their process gone)."""
    pattern = re.compile(re.escape(f".{folder.name}.") + r"(?:building|old)-(\d+)-[0-9a-f]{8}")
    for entry in folder.parent.iterdir():
        m = pattern.fullmatch(entry.name)
        if m and entry.is_dir() and not entry.is_symlink() and not pid_alive(int(m[1])):
            shutil.rmtree(entry, ignore_errors=True)


def _place(tmp: Path, folder: Path) -> None:
    """Move the complete export onto ``folder``; an earlier export there is set aside first and
    removed after."""
    aside = None
    if folder.exists():
        if any(folder.iterdir()):
            aside = folder.with_name(f".{folder.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
            os.replace(folder, aside)
        else:
            folder.rmdir()
    os.replace(tmp, folder)
    fsync_dir(folder.parent)
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
