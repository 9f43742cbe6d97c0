"""What an import tells its user: the error list (file, sheet, row, column, value, reason), a
one-line summary counted by kind, the first errors for the console, and an error workbook that
can be fixed and imported again.

Nothing a user typed is ever shown raw: control and invisible characters (C0, DEL, C1, zero-width
and bidi characters, U+FEFF, line separators) appear escaped as ``\\x1b``, ``\\u200b`` —
the same escapes the validator refuses in a value, so an escaped value copied back is an error,
never a silently stored backslash. Text cells of the error workbook are written as text cells;
those that would start a formula get Excel's quote-prefix *style* (``quotePrefix``), never an
added apostrophe, so a corrected workbook imported again holds exactly the values typed.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd

from ..contract import TABLES

#: Error rows fetched into the DataFrame (all are counted in the summary).
MAX_LISTED = 10_000

#: Excel's limit on the characters of one cell; a longer value is an import error.
MAX_CELL_CHARS = 32_767

ERROR_COLUMNS = ["file", "sheet", "row", "column", "value", "kind", "reason", "table"]
ERROR_LABELS = {"file": "文件", "sheet": "工作表", "row": "行号", "column": "列", "value": "值",
                "kind": "错误类别", "reason": "错误说明", "table": "数据表"}
FIX_COLUMN = "错误说明"

_HIDDEN = ("Cc", "Cf", "Zl", "Zp")
_FORMULA_START = ("=", "+", "-", "@")


def _escape(ch: str) -> str:
    n = ord(ch)
    return f"\\x{n:02x}" if n <= 0xFF else f"\\u{n:04x}" if n <= 0xFFFF else f"\\U{n:08x}"


def visible(text, keep: str = ""):
    """``text`` with every control or invisible character escaped (``\\x1b``, ``\\u200b``)
    except those in ``keep`` (e.g. ``"\\t\\n\\r"`` where line breaks are allowed); anything
    that is not a string is returned unchanged."""
    if not isinstance(text, str) or text.isprintable():
        return text
    return "".join(_escape(ch) if ch not in keep and unicodedata.category(ch) in _HIDDEN else ch
                   for ch in text)


def text_cell(ws, value, keep: str = ""):
    """An openpyxl cell for ``ws`` holding ``value``: text stays text (data type ``s``, never a
    formula), escaped where Excel could not hold it, cut at Excel's cell limit, and marked with
    the quote-prefix style when it would start a formula if edited in Excel."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=None)
    if value is None:
        return cell
    if not isinstance(value, str):
        cell.value = value
        return cell
    cell.value = visible(value, keep)[:MAX_CELL_CHARS]
    cell.data_type = "s"
    if value.startswith(_FORMULA_START):
        cell.quotePrefix = True
    return cell


def error_frame(con, sources, read_errors: list[dict]) -> tuple[pd.DataFrame, dict[str, int]]:
    """The listed errors and the count of every error by kind (read errors first); every text
    shown escaped (``visible``)."""
    by_kind: dict[str, int] = {}
    for e in read_errors:
        by_kind[e["kind"]] = by_kind.get(e["kind"], 0) + 1
    listed = [{c: e.get(c) for c in ERROR_COLUMNS} for e in read_errors]
    if con is not None:
        for kind, n in con.execute("select kind, count(*) from import_errors group by kind "
                                   "order by count(*) desc, kind").fetchall():
            by_kind[kind] = by_kind.get(kind, 0) + n
        rows = con.execute("select _src, _row, col, value, kind, reason from import_errors "
                           "order by _src, _row, col limit ?", [MAX_LISTED]).fetchall()
        for src, row, col, value, kind, reason in rows:
            s = sources[src] if src is not None and src >= 0 else None
            table = s.table if s else None
            header = None
            if col is not None:
                header = (s.headers.get(col) if s else None) or _zh(table, col)
            if isinstance(value, str) and len(value) > 200:
                value = value[:200] + "…"
            listed.append(dict(file=s.file if s else "（数据库中已有的记录）", sheet=s.sheet if s else None,
                               row=row, column=header, value=value, kind=kind, reason=reason, table=table))
    df = pd.DataFrame(listed, columns=ERROR_COLUMNS, dtype=object)
    for c in ERROR_COLUMNS:
        if c != "row":
            df[c] = df[c].map(visible)
    df["row"] = df["row"].astype("Int64")
    return df, by_kind


def _zh(table, col):
    if table and col in {c.name for c in TABLES[table].columns}:
        return TABLES[table].column(col).zh
    return col


def summary(by_kind: dict[str, int]) -> str:
    total = sum(by_kind.values())
    parts = "，".join(f"{k} {n}" for k, n in sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"导入失败，未写入任何数据：共 {total} 个错误（{parts}）"


def console(errors: pd.DataFrame, counts: dict[str, int], limit: int = 20) -> str:
    """The first ``limit`` errors, one line each (file「sheet」 第 n 行 column：value — reason,
    every part escaped), then ``共 N 条错误``."""
    lines = []
    for e in errors.head(max(limit, 0)).itertuples(index=False):
        def has(v):
            return v is not None and not pd.isna(v) and str(v) != ""
        where = str(visible(e.file)) if has(e.file) else "（无文件）"
        if has(e.sheet):
            where += f"「{visible(e.sheet)}」"
        if has(e.row):
            where += f" 第 {int(e.row)} 行"
        if has(e.column):
            where += f" {visible(e.column)}"
        value = ""
        if has(e.value):
            v = str(visible(str(e.value)))
            value = f"：「{v[:40] + '…' if len(v) > 40 else v}」"
        lines.append(f"{where}{value} — {visible(e.reason)}")
    total = sum(counts.values()) if counts else len(errors)
    tail = f"共 {total} 条错误"
    if total > len(lines):
        tail += f"（以上列出前 {len(lines)} 条）"
    return "\n".join([*lines, tail])


def write_error_workbook(path, errors: pd.DataFrame, con, sources) -> Path:
    """错误清单 (every listed error) and, per table with errors, its erroneous rows as read, under
    the template's Chinese headers plus a 错误说明 column: fix them there and import the workbook
    again (the extra sheet and column are ignored). Identity numbers are left out."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "错误清单"
    ws.append([ERROR_LABELS[c] for c in ERROR_COLUMNS])
    for row in errors[ERROR_COLUMNS].itertuples(index=False):
        ws.append([None if pd.isna(v) else (int(v) if k == "row" else text_cell(ws, str(v)))
                   for k, v in zip(ERROR_COLUMNS, row, strict=True)])
    ws.freeze_panes = "A2"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGH", (30, 14, 8, 14, 20, 14, 60, 14), strict=True):
        ws.column_dimensions[letter].width = width
    if con is not None:
        _fix_sheets(wb, con, sources)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _fix_sheets(wb, con, sources) -> None:
    from ._validate import _q

    tables = [s.table for s in sources]
    for name in dict.fromkeys(tables):
        t = TABLES[name]
        srcs = [i for i, s in enumerate(sources) if s.table == name]
        cols = [c for c in t.columns if c.stored]
        raw = ", ".join(f"s.{_q(c.name + '__raw')}" for c in cols)
        rows = con.execute(f"""
            select s._src, s._row, {raw}, string_agg(e.reason, '；' order by e.reason)
            from stg_{name} as s join import_errors as e on e._src = s._src and e._row = s._row
            where s._src in (select unnest(?::integer[]))
            group by all order by s._src, s._row limit ?""", [srcs, 100_000]).fetchall()
        if not rows:
            continue
        ws = wb.create_sheet(t.zh)
        ws.append([c.zh for c in cols] + [FIX_COLUMN])
        keeps = ["\t\n\r" if c.multiline else "" for c in cols] + [""]
        for r in rows:
            ws.append([None if v in (None, "") else text_cell(ws, v, keep)
                       for v, keep in zip(r[2:], keeps, strict=True)])
        ws.freeze_panes = "A2"
