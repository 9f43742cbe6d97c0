"""Reading import files into raw text tables: CSV (UTF-8, UTF-8 with BOM, GB18030) and XLSX
(streamed with openpyxl ``read_only``), header row detected, headers mapped to the contract,
every value NFKC-normalised and trimmed. Nothing here interprets a value: that is SQL's job."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..contract import TABLE_BY_NAME, TABLES, header_map, norm_name

#: Limits, each with a clear message when exceeded (module constants: tests lower them).
MAX_CSV_BYTES = 1_500_000_000
MAX_XLSX_BYTES = 200_000_000
MAX_XLSX_UNCOMPRESSED = 1_500_000_000   # sum of the parts inside the zip
MAX_XLSX_PART_RATIO = 200               # a part more compressed than this (and large) is a bomb
MAX_ROWS = 20_000_000                   # per file or sheet
MAX_XLSX_ROWS = 1_048_576               # Excel's own limit
MAX_SHEETS = 50
MAX_FILES = 500
HEADER_SCAN_ROWS = 30

#: Sheets a workbook may carry besides the tables (the template's notes, an error list).
IGNORED_SHEETS = {"说明", "错误清单", "readme"}


class LimitExceeded(Exception):
    """A file is too large or has too many rows or sheets (message in Chinese)."""


@dataclass
class Source:
    """One file or sheet holding one table."""

    file: str
    sheet: str | None
    table: str
    header_line: int                    # 1-based line or row of the header
    headers: dict[str, str]             # column name → header as written
    data: pa.Table | None = None        # _row + every contract column, text ('' = empty)


@dataclass
class Reading:
    sources: list[Source] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)     # file, sheet, row, column, value, kind, reason
    warnings: list[dict] = field(default_factory=list)   # file, sheet, message
    files: list[dict] = field(default_factory=list)      # name, bytes, sha256

    def error(self, file, sheet, kind, reason, row=None, column=None, value=None):
        self.errors.append(dict(file=str(file), sheet=sheet, row=row, column=column, value=value,
                                kind=kind, reason=reason))

    def warn(self, file, sheet, message):
        self.warnings.append(dict(file=str(file), sheet=sheet, message=message))


def collect(paths) -> list[tuple[Path, bool]]:
    """Files to read: (path, named explicitly). Folders give their .csv/.xlsx files, sorted."""
    out: list[tuple[Path, bool]] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out += [(f, False) for f in sorted(p.iterdir())
                    if f.is_file() and f.suffix.lower() in (".csv", ".xlsx") and not f.name.startswith(("~$", "."))]
        else:
            out.append((p, True))
    return out


def read_all(paths) -> Reading:
    r = Reading()
    files = collect(paths)
    if len(files) > MAX_FILES:
        raise LimitExceeded(f"一次最多导入 {MAX_FILES} 个文件（收到 {len(files)} 个）")
    for path, explicit in files:
        if not path.exists():
            r.error(path, None, "文件不存在", f"文件不存在：{path}")
            continue
        suffix = path.suffix.lower()
        if suffix == ".csv":
            _read_csv(r, path, explicit)
        elif suffix == ".xlsx":
            _read_xlsx(r, path)
        elif explicit:
            r.error(path, None, "文件类型不支持", "只能导入 .csv 或 .xlsx 文件（.xls 请先另存为 .xlsx）")
    return r


def _digest(r: Reading, path: Path, data: bytes) -> None:
    r.files.append(dict(name=str(path), bytes=len(data), sha256=hashlib.sha256(data).hexdigest()))


def _table_of(name: str) -> str | None:
    return TABLE_BY_NAME.get(norm_name(name))


def _detect_header(rows: list[list], table: str) -> tuple[int, int]:
    """(index, score) of the row among the first ones naming most of ``table``'s columns."""
    names = header_map(table)
    best, best_score = -1, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = len({names[k] for k in (norm_name(c) for c in row if c not in (None, "")) if k in names})
        if score > best_score:
            best, best_score = i, score
    return best, best_score


def _map_headers(r: Reading, file, sheet, table: str, header: list) -> tuple[dict[int, str], dict[str, str]] | None:
    """Column index → column name, and column name → header as written; None on a fatal problem."""
    names = header_map(table)
    by_index: dict[int, str] = {}
    written: dict[str, str] = {}
    for i, h in enumerate(header):
        h = "" if h is None else str(h)
        key = norm_name(h)
        if not key:
            continue
        col = names.get(key)
        if col is None:
            r.warn(file, sheet, f"多余的列「{h.strip()}」已忽略")
        elif col in written:
            r.error(file, sheet, "表头重复", f"列「{h.strip()}」与「{written[col]}」是同一列", column=h.strip())
            return None
        else:
            by_index[i] = col
            written[col] = h.strip()
    missing = [c for c in TABLES[table].columns if c.required and c.name not in written]
    if missing:
        for c in missing:
            r.error(file, sheet, "缺少必填列", f"缺少必填列「{c.zh}」（{c.name}）", column=c.zh)
        return None
    return by_index, written


def _clean(arr: pa.Array) -> pa.Array:
    """Text NFKC-normalised (full-width letters, digits and spaces become half-width) and trimmed."""
    arr = pc.cast(arr, pa.string())
    return pc.utf8_trim_whitespace(pc.utf8_normalize(pc.fill_null(arr, ""), form="NFKC"))


def _assemble(table: str, rows: pa.Array, columns: dict[str, pa.Array], n: int) -> pa.Table:
    data = {"_row": rows}
    for c in TABLES[table].columns:
        data[c.name] = _clean(columns[c.name] if c.name in columns else pa.nulls(n, pa.string()))
    return pa.table(data)


# --- CSV ---------------------------------------------------------------------------------------

def _decode(data: bytes) -> tuple[bytes, str] | None:
    """UTF-8 bytes of the file and the encoding found (UTF-8, UTF-8 with BOM, GB18030)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data, enc = data[3:], "UTF-8-BOM"
    else:
        enc = "UTF-8"
    try:
        data.decode("utf-8")
        return data, enc
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030").encode("utf-8"), "GB18030"
    except UnicodeDecodeError:
        return None


def _read_csv(r: Reading, path: Path, explicit: bool) -> None:
    table = _table_of(path.stem)
    if table is None:
        msg = (f"文件名「{path.name}」不是数据表名：CSV 文件应以表名命名，如 persons.csv 或 人员.csv")
        if explicit:
            r.error(path, None, "无法识别的文件", msg)
        else:
            r.warn(path, None, msg + "（已忽略）")
        return
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise LimitExceeded(f"{path.name} 有 {size / 1e6:.0f} MB，超过 CSV 文件上限 {MAX_CSV_BYTES / 1e6:.0f} MB")
    raw = path.read_bytes()
    _digest(r, path, raw)
    decoded = _decode(raw)
    del raw
    if decoded is None:
        r.error(path, None, "文件编码无法识别", "文件编码无法识别：请另存为 UTF-8 或 GB18030（ANSI）编码的 CSV")
        return
    data, _enc = decoded
    head = data[:1_000_000].decode("utf-8", errors="ignore")
    head_rows = list(csv.reader(io.StringIO(head)))[:HEADER_SCAN_ROWS]
    idx, score = _detect_header(head_rows, table)
    if score == 0:
        r.error(path, None, "未找到表头", f"前 {HEADER_SCAN_ROWS} 行中没有找到「{TABLES[table].zh}」表的表头")
        return
    mapped = _map_headers(r, path, None, table, head_rows[idx])
    if mapped is None:
        return
    by_index, written = mapped
    width = len(head_rows[idx])
    bad: list = []

    def on_invalid(row):
        bad.append(row)
        return "skip"

    try:
        t = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(skip_rows=idx + 1, column_names=[f"c{i}" for i in range(width)],
                                           block_size=16 << 20),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={f"c{i}": pa.string() for i in range(width)},
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid as e:
        r.error(path, None, "CSV 格式错误", f"CSV 格式错误：{str(e).splitlines()[0]}")
        return
    for row in bad[:100]:
        line = None if row.number is None else row.number + idx + 1
        r.error(path, None, "列数不符", f"此行有 {row.actual_columns} 列，表头有 {row.expected_columns} 列",
                row=line, value=row.text[:80])
    if t.num_rows > MAX_ROWS:
        raise LimitExceeded(f"{path.name} 有 {t.num_rows} 行，超过上限 {MAX_ROWS} 行")
    n = t.num_rows
    rows = pa.array(range(idx + 2, idx + 2 + n), pa.int64())
    cols = {col: t.column(f"c{i}") for i, col in by_index.items()}
    r.sources.append(Source(str(path), None, table, idx + 1, written, _assemble(table, rows, cols, n)))


# --- XLSX --------------------------------------------------------------------------------------

def _check_zip(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_XLSX_BYTES:
        raise LimitExceeded(f"{path.name} 有 {size / 1e6:.0f} MB，超过 XLSX 文件上限 {MAX_XLSX_BYTES / 1e6:.0f} MB"
                            "（可另存为 CSV 后导入）")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except zipfile.BadZipFile:
        raise LimitExceeded(f"{path.name} 不是有效的 XLSX 文件") from None
    total = sum(i.file_size for i in infos)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise LimitExceeded(f"{path.name} 解压后有 {total / 1e6:.0f} MB，超过上限 "
                            f"{MAX_XLSX_UNCOMPRESSED / 1e6:.0f} MB（可另存为 CSV 后导入）")
    for i in infos:
        if i.file_size > 10_000_000 and i.file_size > MAX_XLSX_PART_RATIO * max(i.compress_size, 1):
            raise LimitExceeded(f"{path.name} 的压缩比异常（{i.filename}），疑似压缩炸弹，拒绝读取")
    sheets = sum(1 for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"))
    if sheets > MAX_SHEETS:
        raise LimitExceeded(f"{path.name} 有 {sheets} 个工作表，超过上限 {MAX_SHEETS} 个")


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


def _read_xlsx(r: Reading, path: Path) -> None:
    from openpyxl import load_workbook

    _check_zip(path)
    raw = path.read_bytes()
    _digest(r, path, raw)
    del raw
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged file
        r.error(path, None, "文件无法打开", f"XLSX 文件无法打开：{type(e).__name__}")
        return
    try:
        for ws in wb.worksheets:
            table = _table_of(ws.title)
            if table is None:
                if norm_name(ws.title) not in IGNORED_SHEETS:
                    r.warn(path, ws.title, f"工作表「{ws.title}」不是数据表名，已忽略")
                continue
            _read_sheet(r, path, ws, table)
    finally:
        wb.close()


def _read_sheet(r: Reading, path: Path, ws, table: str) -> None:
    if ws.max_row is not None and ws.max_row > MAX_XLSX_ROWS:
        raise LimitExceeded(f"{path.name} 的工作表「{ws.title}」有 {ws.max_row} 行，超过上限 {MAX_XLSX_ROWS} 行")
    it = ws.iter_rows(values_only=True)
    head: list[list] = []
    for row in it:
        head.append([_cell(v) for v in row])
        if len(head) >= HEADER_SCAN_ROWS:
            break
    idx, score = _detect_header(head, table)
    if score == 0:
        if any(any(c for c in row) for row in head):
            r.error(path, ws.title, "未找到表头", f"前 {HEADER_SCAN_ROWS} 行中没有找到「{TABLES[table].zh}」表的表头")
        return
    mapped = _map_headers(r, path, ws.title, table, head[idx])
    if mapped is None:
        return
    by_index, written = mapped
    wanted = sorted(by_index)
    cols: dict[int, list[str]] = {i: [] for i in wanted}
    rows: list[int] = []

    def take(values, line):
        cells = [_cell(values[i]) if i < len(values) else "" for i in wanted]
        if any(cells):
            rows.append(line)
            for i, v in zip(wanted, cells, strict=True):
                cols[i].append(v)

    line = idx + 1
    for values in head[idx + 1:]:
        line += 1
        take(values, line)
    for values in it:
        line += 1
        if line > MAX_XLSX_ROWS:
            raise LimitExceeded(f"{path.name} 的工作表「{ws.title}」超过 {MAX_XLSX_ROWS} 行")
        take(values, line)
    n = len(rows)
    if n == 0:  # an unfilled sheet (e.g. of the template) is not an empty table: left out
        return
    arrays = {by_index[i]: pa.array(cols[i], pa.string()) for i in wanted}
    r.sources.append(Source(str(path), ws.title, table, idx + 1, written,
                            _assemble(table, pa.array(rows, pa.int64()), arrays, n)))
