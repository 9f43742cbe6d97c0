"""Spreadsheet and text exports of any list.

- Cells a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return)
  are neutralised with a leading apostrophe.
- Control characters an .xlsx cannot hold (NUL, ESC, VT and the other C0 controls except tab,
  line feed and carriage return) and lone surrogates are shown as visible escapes — ESC as the
  four characters ``\\x1b``, a lone surrogate as ``\\udXXX`` — in spreadsheets and CSV alike, so a
  name imported with such a character still exports (and is seen to be odd) instead of breaking
  the file or reaching a terminal raw. A backslash already in the text is left as it is.
- Files are written atomically (``outputs.atomic_path``): a failure leaves the previous file.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd

from .outputs import atomic_write_bytes

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: what openpyxl refuses (XML 1.0 cannot carry it), plus lone surrogates (not encodable)
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value):
    """Text with the control characters a spreadsheet cannot hold escaped (``\\x1b``); other
    values unchanged."""
    if isinstance(value, str) and _UNSAFE.search(value):
        return _UNSAFE.sub(_escape, value)
    return value


def neutralise(value):
    """A text that would start a formula gets a leading ``'``, and control characters a
    spreadsheet cannot hold are escaped (see ``visible``); other values are unchanged."""
    value = visible(value)
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
    """CSV with ``true``/``false`` for booleans, formula-like text neutralised and control
    characters escaped (a CSV opens in a spreadsheet too, or in a terminal). UTF-8; the caller
    adds a BOM for Excel if needed."""
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
    ``title`` goes in the file's properties. The folder must exist; the file is written
    atomically (a temporary file beside it, renamed when complete)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    ws.append([visible(str(c)) for c in df.columns])
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
        width = max([len(str(col))] + [len(str(visible(v))) for v in df[col].head(500)]) * 1.6 + 2
        ws.column_dimensions[get_column_letter(i)].width = min(width, 60)
    if title:
        wb.properties.title = visible(title)
    # saved in memory first: a zip writer failing on a full disk would fail again when collected
    buffer = io.BytesIO()
    wb.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)  # a library caller's new folder (the CLI checks first)
    atomic_write_bytes(path, buffer.getvalue())
    return path
