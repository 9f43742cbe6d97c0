"""The other direction: a database's tables written in the import format (the template's), and
checksums that say whether two databases hold the same records."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..contract import ORDER, TABLES
from ._validate import _q


def export_tables(con: duckdb.DuckDBPyConnection, folder, *, fmt: str = "csv", chinese: bool = True,
                  encoding: str = "utf-8-sig", tables=ORDER) -> list[Path]:
    """Write every table in the import format: one CSV per table (``fmt="csv"``, named after
    the table in English, headers in Chinese unless ``chinese=False``) or one workbook
    ``导入数据.xlsx`` with one sheet per table (``fmt="xlsx"``, named in Chinese). Dates are
    written ``YYYY-MM-DD``, booleans 是/否. Importing the result gives the same records.

    In the workbook every value is a text cell (never a formula); text that would start a
    formula when edited carries Excel's quote-prefix style, not an added apostrophe, so the value
    read back is the value stored. A stored value holding a control character (possible only in
    a database filled before such values were refused) is written escaped (``\\x1b``), which the
    importer refuses: it is found, not silently carried on.

    Returns the files written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    frames = {}
    for name in tables:
        t = TABLES[name]
        cols = [c for c in t.stored_columns]
        exprs = []
        for c in cols:
            if c.type == "bool":
                exprs.append(f"case when {_q(c.name)} then '是' when not {_q(c.name)} then '否' end")
            elif c.type == "decimal":
                exprs.append(f"cast(cast({_q(c.name)} as double) as varchar)")
            else:
                exprs.append(f"cast({_q(c.name)} as varchar)")
        order = ", ".join(_q(k) for k in t.key)
        df = con.execute(f"select {', '.join(exprs)} from main.{name} order by {order}").df()
        df.columns = [c.zh if chinese else c.name for c in cols]
        frames[name] = df
    if fmt == "csv":
        out = []
        for name, df in frames.items():
            path = folder / f"{name}.csv"
            df.to_csv(path, index=False, encoding=encoding)
            out.append(path)
        return out
    if fmt != "xlsx":
        raise ValueError(f"fmt must be csv or xlsx, not {fmt!r}")
    from openpyxl import Workbook

    from ._report import text_cell

    wb = Workbook(write_only=True)
    for name, df in frames.items():
        ws = wb.create_sheet(TABLES[name].zh)
        ws.append(list(df.columns))
        keeps = ["\t\n\r" if c.multiline else "" for c in TABLES[name].stored_columns]
        for row in df.itertuples(index=False):
            ws.append([None if v is None or v != v else text_cell(ws, v, keep)
                       for v, keep in zip(row, keeps, strict=True)])
    path = folder / "导入数据.xlsx"
    wb.save(path)
    return [path]


def table_checksums(con: duckdb.DuckDBPyConnection, tables=ORDER + ("meta",)) -> dict[str, str]:
    """``{table: "rows:md5"}``: the md5 over each row's text, in sorted order — equal exactly
    when two databases hold the same rows."""
    out = {}
    for name in tables:
        n, digest = con.execute(
            f"select count(*), md5(coalesce(string_agg(h, '' order by h), '')) "
            f"from (select md5(cast(t as varchar)) as h from main.{name} as t)"
        ).fetchall()[0]
        out[name] = f"{n}:{digest}"
    return out
