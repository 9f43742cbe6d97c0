"""Reading a list of persons for the shortlist: the units' recommendations (一推) or the promotions
of a what-if, as a CSV file or the first visible sheet of an XLSX workbook.

The list needs a column of person ids, headed ``person_id`` or 人员编号; a column headed
``rank``, 职级 or 拟晋升职级 gives a promotion's target rank (optional). The header is the first
row holding one of those names among the first 10 rows (a title row above it is fine); other
columns (姓名, 单位 …) are ignored. Empty rows are skipped. Every problem is a
:class:`~qingmiao_lib.errors.QingmiaoError` naming the file, never an internal error.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd

from ..errors import QingmiaoError

#: Header spellings (folded: stripped, lower case, no spaces) → column.
HEADERS = {"person_id": "person_id", "人员编号": "person_id", "rank": "rank", "职级": "rank",
           "拟晋升职级": "rank", "拟任职级": "rank"}
MAX_BYTES = 20 * 1024 * 1024           # a list of persons, not a database
MAX_ROWS = 1_000_000
HEADER_ROWS = 10


def _fold(text) -> str:
    return "".join(str(text or "").split()).lower()


def _decode(data: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise QingmiaoError(f"{path}：无法识别的文本编码（请另存为 UTF-8 的 CSV）")


def _csv_rows(path: Path, data: bytes) -> list[list[str]]:
    text = _decode(data, path)
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as e:
        raise QingmiaoError(f"{path}：CSV 格式错误：{e}") from None


def _xlsx_rows(path: Path) -> list[list]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as e:
        raise QingmiaoError(f"{path}：不是可读取的 XLSX 工作簿（{type(e).__name__}）") from None
    try:
        sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
        if not sheets:
            raise QingmiaoError(f"{path}：工作簿没有可见的工作表")
        rows = []
        for row in sheets[0].iter_rows(values_only=True):
            rows.append(["" if v is None else str(v) for v in row])
            if len(rows) > MAX_ROWS + HEADER_ROWS:
                break
        return rows
    except QingmiaoError:
        raise
    except Exception as e:  # a damaged sheet inside a readable zip: name it, never a traceback
        raise QingmiaoError(f"{path}：工作表无法读取（{type(e).__name__}）") from None
    finally:
        wb.close()


def read_person_list(path: str | Path, *, what: str = "名单") -> pd.DataFrame:
    """The persons listed in ``path`` (CSV or XLSX): a frame with ``person_id`` and ``rank``
    (None where not given), one row per non-empty row, in file order. ``what`` names the list in
    error messages (推荐名单, 晋升名单)."""
    path = Path(path)
    if not path.is_file():
        raise QingmiaoError(f"{what}文件不存在：{path}")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise QingmiaoError(f"{path}：{what}文件过大（{size:,} 字节，上限 {MAX_BYTES:,}）")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(path)
    elif suffix in (".csv", ".txt"):
        rows = _csv_rows(path, path.read_bytes())
    else:
        raise QingmiaoError(f"{path}：{what}应为 .csv 或 .xlsx 文件")
    found = [(i, {HEADERS[_fold(c)]: j for j, c in enumerate(row) if _fold(c) in HEADERS})
             for i, row in enumerate(rows[:HEADER_ROWS])]
    found = [(i, columns) for i, columns in found if "person_id" in columns]
    if not found:
        raise QingmiaoError(f"{path}：前 {HEADER_ROWS} 行中没有“人员编号”（person_id）列")
    i, columns = found[0]
    body = rows[i + 1:]
    if len(body) > MAX_ROWS:
        raise QingmiaoError(f"{path}：{what}超过 {MAX_ROWS:,} 行")
    pid, rank = columns["person_id"], columns.get("rank")
    ids, ranks = [], []
    for line, row in enumerate(body, start=i + 2):
        value = row[pid].strip() if pid < len(row) else ""
        if not value:
            if any(str(c).strip() for c in row):
                raise QingmiaoError(f"{path}：第 {line} 行缺少人员编号")
            continue
        ids.append(value)
        given = row[rank].strip() if rank is not None and rank < len(row) else ""
        ranks.append(given or None)
    if not ids:
        raise QingmiaoError(f"{path}：{what}中没有人员")
    return pd.DataFrame({"person_id": ids, "rank": ranks}, dtype=object)
