"""Reading XLSX workbooks for ``_read`` (streamed, one sheet per table): the zip checked before
it is opened, each sheet's rows streamed with their hidden flags, the header found and mapped as
for a CSV (``_read``'s shared helpers), the limits being ``_read``'s constants.

- A damaged file or sheet (not a zip, a truncated zip, broken sheet XML) is an error naming the
  file and, where it can be told, the sheet; a limit exceeded is an error naming the file.
- **Hidden sheets, rows and columns are errors**, not silently imported and not silently skipped:
  either would make the database differ from what the user sees in Excel. A hidden sheet named
  as a table, each hidden row holding data (from the header down) and each hidden column mapped
  to a contract column is listed with its sheet and row or column; unhide and check, or delete.
  Hidden sheets that are neither tables nor rosters or ledgers are ignored like any other such sheet.
- **Rosters and ledgers** (a sheet in the department's own words, ``_headers``): a sheet not named
  as a table, or named as one but without 人员编号, whose header ``_headers.recognise`` reads, is
  set aside as text in ``Reading.people`` — its persons and units are resolved against the
  database by ``_people``.

The module is over 300 lines: the zip checks and the streamed reading of the sheets are one
reader of one workbook; a split would cut it for a handful of lines.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pyarrow as pa

from ..contract import TABLES, header_map, norm_name
from . import _read
from ._read import Reading, Source
from ._report import visible

#: Sheets a workbook may carry besides the tables (the template's notes, an error list).
IGNORED_SHEETS = {"说明", "错误清单", "readme"}

LISTED_PER_SHEET = 100                  # hidden rows listed one by one, then counted



def _check_zip(path: Path) -> tuple[str, str] | None:
    """(kind, reason) when the workbook cannot be read (too large, not a zip, a zip bomb), or None."""
    limit = "超出限制"
    size = path.stat().st_size
    if size > _read.MAX_XLSX_BYTES:
        return limit, (f"文件有 {size / 1e6:.0f} MB，超过 XLSX 文件上限 {_read.MAX_XLSX_BYTES / 1e6:.0f} MB"
                "（可另存为 CSV 后导入）")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "文件无法打开", "不是有效的 XLSX 文件（不是 zip 格式或文件不完整；.xls 或加密的工作簿请用 Excel 另存为 .xlsx）"
    total = sum(i.file_size for i in infos)
    if total > _read.MAX_XLSX_UNCOMPRESSED:
        return limit, (f"解压后有 {total / 1e6:.0f} MB，超过上限 {_read.MAX_XLSX_UNCOMPRESSED / 1e6:.0f} MB"
                "（可另存为 CSV 后导入）")
    for i in infos:
        if i.file_size > 10_000_000 and i.file_size > _read.MAX_XLSX_PART_RATIO * max(i.compress_size, 1):
            return limit, f"压缩比异常（{visible(i.filename)}），疑似压缩炸弹，拒绝读取"
    sheets = sum(1 for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"))
    if sheets > _read.MAX_SHEETS:
        return limit, f"有 {sheets} 个工作表，超过上限 {_read.MAX_SHEETS} 个"
    return None


def _brief(e: BaseException) -> str:
    text = str(e).splitlines()[0] if str(e) else ""
    return visible(f"{type(e).__name__}: {text}"[:120])


def _damaged_part(path: Path) -> str:
    """Where a workbook openpyxl could not open is damaged: 工作表「名称」 when a sheet's part is,
    else the part's name (best effort; '' when nothing is found)."""
    try:
        with zipfile.ZipFile(path) as z:
            titles = _sheet_titles(z)
            for info in z.infolist():
                if not info.filename.endswith((".xml", ".rels")):
                    continue
                try:
                    with z.open(info) as f:
                        for _ in ElementTree.iterparse(f):
                            pass
                except Exception as e:  # noqa: BLE001 — any damage is reported the same way
                    where = (f"工作表「{visible(titles[info.filename])}」" if info.filename in titles
                             else visible(info.filename))
                    return f"{where}已损坏（{_brief(e)}）"
    except Exception:  # noqa: BLE001
        return ""
    return ""


def _sheet_titles(z: zipfile.ZipFile) -> dict[str, str]:
    """Part name (xl/worksheets/sheet1.xml) → sheet title, from workbook.xml and its rels."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # noqa: BLE001
        return {}
    target = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for s in book.iter(f"{ns}sheet"):
        t = target.get(s.get(rel_ns), "")
        out[t.lstrip("/") if t.startswith("/") else "xl/" + t] = s.get("name", "")
    return out


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def read_xlsx(r: Reading, path: Path) -> None:
    """Every sheet of the workbook named as a table, read into ``r`` (see the module docstring)."""
    from openpyxl import load_workbook

    problem = _check_zip(path)
    if problem:
        r.error(path, None, *problem)
        return
    raw = path.read_bytes()
    _read._digest(r, path, raw)
    del raw
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 — openpyxl raises many kinds for a damaged file
        where = _damaged_part(path)
        r.error(path, None, "文件无法打开", f"XLSX 文件无法打开：{where or _brief(e)}")
        return
    try:
        for ws in wb.worksheets:
            table = _read._table_of(ws.title)
            if table is None and norm_name(ws.title) in IGNORED_SHEETS:
                continue
            try:
                _read_sheet(r, path, wb, ws, table)
            except Exception as e:  # noqa: BLE001 — a damaged sheet part: reported by name
                r.error(path, visible(ws.title), "工作表已损坏",
                        f"工作表「{visible(ws.title)}」已损坏，无法读取（{_brief(e)}）")
    finally:
        wb.close()


def _rows(wb, ws):
    """(row number, {column index 0-based: value}, hidden, hidden column indexes) for every row
    present in the sheet's XML (the hidden columns are declared before the first row). Read with
    openpyxl's streaming parser directly: ``iter_rows`` neither says which rows are hidden nor
    reads past the row count the sheet declares."""
    from openpyxl.worksheet._reader import WorkSheetParser

    hidden_cols = None
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for number, cells in parser.parse():
            if hidden_cols is None:
                hidden_cols = _hidden_columns(parser.column_dimensions)
            dims = parser.row_dimensions.pop(str(number), None)
            values = {c["column"] - 1: c["value"] for c in cells if c["value"] is not None}
            yield number, values, _hidden(dims, "ht"), hidden_cols


def _hidden(attrs: dict | None, size: str) -> bool:
    if not attrs:
        return False
    if str(attrs.get("hidden", "")).lower() in ("1", "true"):
        return True
    try:
        return float(attrs.get(size, 1)) == 0
    except ValueError:
        return False


def _hidden_columns(dims: dict) -> set[int]:
    out: set[int] = set()
    for attrs in dims.values():
        if _hidden(attrs, "width"):
            try:
                out.update(range(int(attrs["min"]) - 1, min(int(attrs.get("max", attrs["min"])), 16384)))
            except (KeyError, ValueError):
                pass
    return out


def _hidden_sheet(r: Reading, path: Path, ws) -> bool:
    if getattr(ws, "sheet_state", "visible") == "visible":
        return False
    r.error(path, visible(ws.title), "隐藏的工作表",
            f"工作表「{visible(ws.title)}」是隐藏的：隐藏的数据既不导入也不悄悄跳过，"
            "请取消隐藏并核对，或删除该工作表")
    return True


def _own_words(r: Reading, path: Path, ws, table: str | None, rows: list[list], idx: int, score: int):
    """The layout of a roster or ledger (``_headers``), or None for a sheet read as its table's
    contract. A sheet named as a table is tried as a ledger only when its header has no 人员编号."""
    if table is not None and score and (
            "person_id" not in {c.name for c in TABLES[table].columns}
            or "person_id" in {header_map(table).get(norm_name(c)) for c in rows[idx]}):
        return None
    from ._headers import load_headers, recognise

    return recognise(load_headers(), ws.title, path.name, rows, table)


def _read_sheet(r: Reading, path: Path, wb, ws, table: str | None) -> None:
    title = visible(ws.title)
    it = _rows(wb, ws)
    head: list[tuple[int, dict, bool, set]] = list(itertools.islice(it, _read.HEADER_SCAN_ROWS))
    as_lists = [[_cell(v.get(i)) for i in range(max(v, default=-1) + 1)] for _, v, _, _ in head]
    idx, score = _read._detect_header(as_lists, table) if table else (-1, 0)
    layout = _own_words(r, path, ws, table, as_lists, idx, score)
    if table is None and layout is None:
        r.warn(path, title, f"工作表「{title}」不是数据表名，也不是可识别的花名册或台账，已忽略")
        return
    if _hidden_sheet(r, path, ws):
        return
    if layout is not None:
        _read_own_words(r, path, title, head, it, layout)
        return
    if score == 0:
        if any(any(c for c in row) for row in as_lists):
            r.error(path, title, "未找到表头", f"前 {_read.HEADER_SCAN_ROWS} 行中没有找到「{TABLES[table].zh}」表的表头")
        return
    if len(as_lists[idx]) > _read.MAX_COLUMNS:
        r.error(path, title, "超出限制", f"表头有 {len(as_lists[idx])} 列，超过上限 {_read.MAX_COLUMNS} 列", row=head[idx][0])
        return
    mapped = _read._map_headers(r, path, title, table, as_lists[idx])
    if mapped is None:
        return
    by_index, written = mapped
    for i in sorted(set(by_index) & head[idx][3]):
        r.error(path, title, "隐藏的列", f"列「{written[by_index[i]]}」是隐藏列：请取消隐藏并核对后再导入",
                column=written[by_index[i]])
    body = _body(r, path, title, head, idx, it, sorted(by_index))
    if body is None:
        return
    rows, cols = body
    arrays = {by_index[i]: pa.array(cols[i], pa.string()) for i in cols}
    r.sources.append(Source(str(path), title, table, head[idx][0], written,
                            _read._assemble(r, path, title, table, written, pa.array(rows, pa.int64()), arrays, len(rows))))


def _read_own_words(r: Reading, path: Path, title: str, head, it, layout) -> None:
    """A roster or ledger: its columns read as text and set aside in ``r.people`` (their persons
    and units are resolved once the database is open, by ``_people``)."""
    from ._headers import PeopleSheet

    first, last = layout.header_rows[0], layout.header_rows[-1]
    for j in sorted(set(layout.columns) & head[first][3]):
        shown = layout.written[layout.columns[j]]
        r.error(path, title, "隐藏的列", f"列「{shown}」是隐藏列：请取消隐藏并核对后再导入", column=shown)
    if first != last and head[first][2]:
        r.error(path, title, "隐藏的行", f"第 {head[first][0]} 行（表头）是隐藏行：请取消隐藏并核对", row=head[first][0])
    body = _body(r, path, title, head, last, it, sorted(layout.columns))
    if body is None:
        return
    rows, cols = body
    for shown in layout.ignored:
        r.warn(path, title, f"多余的列「{visible(shown)}」已忽略")
    r.people.append(PeopleSheet(str(path), title, layout, head[last][0], rows,
                                {layout.columns[j]: v for j, v in cols.items()}))


def _body(r: Reading, path: Path, title: str, head, idx: int, it, wanted: list[int]):
    """(row numbers, column index → cells) of the rows below header row ``idx`` with a value in a
    ``wanted`` column; None when a limit is exceeded or no row has one. Hidden rows are errors."""
    cols: dict[int, list[str]] = {i: [] for i in wanted}
    rows: list[int] = []
    hidden_rows: list[int] = []
    if head[idx][2]:
        hidden_rows.append(head[idx][0])
    count = 0
    for number, values, hidden, _ in itertools.chain(head[idx + 1:], it):
        count += 1
        if count > _read.MAX_XLSX_ROWS or number > _read.MAX_XLSX_ROWS:
            r.error(path, title, "超出限制", f"工作表「{title}」超过 {_read.MAX_XLSX_ROWS} 行")
            return None
        cells = [_cell(values.get(i)) for i in wanted]
        if not any(cells):
            continue
        if hidden:
            hidden_rows.append(number)
        rows.append(number)
        for i, v in zip(wanted, cells, strict=True):
            cols[i].append(v)
    for number in hidden_rows[:LISTED_PER_SHEET]:
        r.error(path, title, "隐藏的行", f"第 {number} 行是隐藏行：隐藏的数据既不导入也不悄悄跳过，请取消隐藏并核对",
                row=number)
    if len(hidden_rows) > LISTED_PER_SHEET:
        r.error(path, title, "隐藏的行", f"另有 {len(hidden_rows) - LISTED_PER_SHEET} 个隐藏行")
    if not rows:  # an unfilled sheet (e.g. of the template) is not an empty table: left out
        return None
    return rows, cols
