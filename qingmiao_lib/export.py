"""Spreadsheet and text exports of any list. Cells a spreadsheet would run as a formula
(starting with = + - @, a tab or a carriage return) are neutralised with a leading apostrophe."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text that would start a formula gets a leading ``'``; other values are unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_json_records(df: pd.DataFrame) -> str:
    """One JSON array of objects, ``true``/``false`` for booleans, ISO dates, null for missing."""
    out = df.copy()
    for col in out.columns:
        if str(out[col].dtype).startswith("datetime64"):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    return json.dumps(json.loads(out.to_json(orient="records", date_format="iso", force_ascii=False)),
                      ensure_ascii=False, indent=1)


def to_csv(df: pd.DataFrame) -> str:
    """CSV with ``true``/``false`` for booleans, formula-like text neutralised (a CSV opens in a
    spreadsheet too). UTF-8; the caller adds a BOM for Excel if needed."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == bool or str(out[col].dtype) == "boolean":
            out[col] = out[col].map({True: "true", False: "false"})
        elif out[col].dtype == object or str(out[col].dtype).startswith(("str", "string")):
            out[col] = out[col].map(neutralise)
    return out.to_csv(index=False)


def _cell(v):
    """A value as a spreadsheet cell: missing → empty, booleans → 是/否 (read by people),
    dates stay dates, formula-like text neutralised."""
    if v is None or (not isinstance(v, str) and not isinstance(v, bool) and pd.isna(v)):
        return None
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return "是" if v else "否"
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if hasattr(v, "item"):
        return v.item()
    return neutralise(v)


def write_xlsx(df: pd.DataFrame, path: str | Path, *, sheet: str = "名单", title: str | None = None) -> Path:
    """Write ``df`` to one sheet of an .xlsx file: a bold header row, frozen, filters on, column
    widths fitted, dates as dates (yyyy-mm-dd), booleans as 是/否, formula-like text neutralised.
    ``title`` goes in the file's properties."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    ws.append([str(c) for c in df.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in df.itertuples(index=False):
        ws.append([_cell(v) for v in row])
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if cell.is_date:
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for i, col in enumerate(df.columns, start=1):
        width = max([len(str(col))] + [len(str(v)) for v in df[col].head(500)]) * 1.6 + 2
        ws.column_dimensions[get_column_letter(i)].width = min(width, 60)
    if title:
        wb.properties.title = title
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
