"""What an import tells its user: the error list (file, sheet, row, column, value, reason), a
one-line summary counted by kind, and an error workbook that can be fixed and imported again."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..contract import TABLES

#: Error rows fetched into the DataFrame (all are counted in the summary).
MAX_LISTED = 10_000

ERROR_COLUMNS = ["file", "sheet", "row", "column", "value", "kind", "reason", "table"]
ERROR_LABELS = {"file": "文件", "sheet": "工作表", "row": "行号", "column": "列", "value": "值",
                "kind": "错误类别", "reason": "错误说明", "table": "数据表"}
FIX_COLUMN = "错误说明"


def error_frame(con, sources, read_errors: list[dict]) -> tuple[pd.DataFrame, dict[str, int]]:
    """The listed errors and the count of every error by kind (read errors first)."""
    by_kind: dict[str, int] = {}
    for e in read_errors:
        by_kind[e["kind"]] = by_kind.get(e["kind"], 0) + 1
    frames = [pd.DataFrame(read_errors, columns=ERROR_COLUMNS)] if read_errors else []
    if con is not None:
        for kind, n in con.execute("select kind, count(*) from import_errors group by kind "
                                   "order by count(*) desc, kind").fetchall():
            by_kind[kind] = by_kind.get(kind, 0) + n
        rows = con.execute("select _src, _row, col, value, kind, reason from import_errors "
                           "order by _src, _row, col limit ?", [MAX_LISTED]).fetchall()
        listed = []
        for src, row, col, value, kind, reason in rows:
            s = sources[src] if src is not None and src >= 0 else None
            table = s.table if s else None
            header = None
            if col is not None:
                header = (s.headers.get(col) if s else None) or _zh(table, col)
            listed.append(dict(file=s.file if s else "（数据库中已有的记录）", sheet=s.sheet if s else None,
                               row=row, column=header, value=value, kind=kind, reason=reason, table=table))
        frames.append(pd.DataFrame(listed, columns=ERROR_COLUMNS))
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ERROR_COLUMNS)
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


def write_error_workbook(path, errors: pd.DataFrame, con, sources) -> Path:
    """错误清单 (every listed error) and, per table with errors, its erroneous rows as read, under
    the template's Chinese headers plus a 错误说明 column: fix them there and import the workbook
    again (the extra sheet and column are ignored). Identity numbers are left out."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ..export import neutralise

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "错误清单"
    ws.append([ERROR_LABELS[c] for c in ERROR_COLUMNS])
    for row in errors[ERROR_COLUMNS].itertuples(index=False):
        ws.append([None if pd.isna(v) else (int(v) if k == "row" else neutralise(str(v)))
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
    from ..export import neutralise
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
        for r in rows:
            ws.append([None if v in (None, "") else neutralise(v) for v in r[2:]])
        ws.freeze_panes = "A2"
