"""Reading import files into raw text tables: CSV (UTF-8 with or without BOM, GB18030, UTF-16)
and XLSX (streamed), header row detected, headers mapped to the contract. Nothing here
interprets a value (that is SQL's job) and nothing is silently dropped or rewritten:

- Every value is trimmed of surrounding spaces, tabs, line breaks and full-width spaces. Text is
  otherwise kept exactly as typed (``（2）`` stays ``（2）``). Only values that are parsed — dates,
  numbers, 是/否, vocabularies, identity numbers — and codes (人员编号, 单位代码, 讲座编号 and the
  references to them) are NFKC-normalised, so that ``Ｐ１`` and ``P1`` are one person; a code
  changed that way is counted in a warning per column.
- Control and invisible characters are left in place for the validator to refuse by name.
- Any line ending is read (LF, CRLF, bare CR); repeated byte-order marks are skipped (a warning);
  quoted cells may span lines; a ragged row is an error with its row number (rows are numbered
  as a spreadsheet shows them: the record's place in the file, the header's line included).
- A damaged file is an error naming it; a limit exceeded is an error naming the file.

XLSX workbooks are read by ``_xlsx`` (zip checks, streamed sheets, hidden sheets, rows and
columns) with the helpers and limits here; 干部任免审批表 files by ``_lrmx`` (see :func:`read_all`).

The module is over 300 lines: the CSV reader stays beside the limits and helpers it shares with
``_xlsx`` because those limits are set on this module (``_read.CSV_BLOCK``,
``_read.MAX_CSV_BYTES`` …, replaced by the tests), which a CSV module of its own would not see.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..contract import TABLE_BY_NAME, TABLES, Column, header_map, norm_name
from ._report import visible

#: Limits, each an error naming the file when exceeded (module constants: tests lower them;
#: ``_xlsx`` reads its own here, at the time of use).
#:
#: An import holds all its rows in memory at once (read here, then staged and validated in
#: DuckDB), so its peak memory grows with the rows and bytes of all its files together, not of
#: each one: ``MAX_ROWS`` and ``MAX_CSV_BYTES`` are limits of one import, its files and sheets
#: counted together, chosen so that the peak stays under 4 GB (benchmarks/bench_import.py
#: measures it, results in benchmarks/results/bench_import.json: 2,000,000 rows of persons, the
#: widest table, peak 3.2 GiB; 2,000,000 training rows in 300 MB, 2.1 GiB; under the former
#: per-file limits 16,000,000 training rows in 1.4 GB took 9.2 GiB). More data is imported in
#: several imports (records of the same key replace the earlier ones). A workbook is read whole
#: before its rows are counted, its cells held as Python strings while a sheet is read, so its
#: unzipped size is bounded too (a sheet of 1,048,575 training rows, 570 MB unzipped, peaked at
#: 1.5 GiB); CSV is the way for more.
MAX_CSV_BYTES = 300_000_000             # one CSV file, or the CSV files of one import together
MAX_XLSX_BYTES = 200_000_000
MAX_XLSX_UNCOMPRESSED = 600_000_000     # sum of the parts inside the zip (see above)
MAX_XLSX_PART_RATIO = 200               # a part more compressed than this (and large) is a bomb
MAX_ROWS = 2_000_000                    # rows of one import: all its files and sheets together
MAX_XLSX_ROWS = 1_048_576               # Excel's own limit
MAX_SHEETS = 50
MAX_FILES = 500
MAX_BAD_ROWS = 10_000                   # ragged CSV rows listed before reading stops
MAX_COLUMNS = 1_000                     # columns of a header row (a contract table has at most 16)
HEADER_SCAN_ROWS = 30
CSV_BLOCK = 16 << 20                    # a CSV row (or cell) longer than this cannot be read

#: Trimmed from both ends of every value (NFKC turns other spaces into these for parsed values).
TRIM = " \t\r\n\u3000\u00a0"

_BOM = b"\xef\xbb\xbf"


class LimitExceeded(Exception):
    """Too many files in one import (message in Chinese); per-file limits are listed errors."""


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
    lrmx: list[tuple[Path, bool]] = field(default_factory=list)  # set aside for _lrmx (see read_all)
    people: list = field(default_factory=list)  # rosters and ledgers (_headers.PeopleSheet), for _people

    def error(self, file, sheet, kind, reason, row=None, column=None, value=None):
        self.errors.append(dict(file=str(file), sheet=sheet, row=row, column=column, value=value,
                                kind=kind, reason=reason))

    def warn(self, file, sheet, message):
        self.warnings.append(dict(file=str(file), sheet=sheet, message=message))


#: 干部任免审批表 files and zips of them, read by ``_lrmx`` (not counted in MAX_FILES).
LRMX_SUFFIXES = (".lrmx", ".lrm", ".zip")


def collect(paths) -> list[tuple[Path, bool]]:
    """Files to read: (path, named explicitly). Folders give their .csv/.xlsx/.lrmx/.lrm/.zip files, sorted."""
    out: list[tuple[Path, bool]] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out += [(f, False) for f in sorted(p.iterdir())
                    if f.is_file() and f.suffix.lower() in (".csv", ".xlsx", *LRMX_SUFFIXES)
                    and not f.name.startswith(("~$", "."))]
        else:
            out.append((p, True))
    return out


def read_all(paths) -> Reading:
    """Read the CSV and XLSX files of ``paths``. The 干部任免审批表 files (.lrmx, and zips of
    them) are only set aside in :attr:`Reading.lrmx`: their 简历 lines are matched against the
    unit list and their persons against the known persons, so the caller reads them once the
    database is open (``_lrmx.read_into``)."""
    r = Reading()
    files = collect(paths)
    lrmx = [(f, e) for f, e in files if f.suffix.lower() in LRMX_SUFFIXES and f.is_file()]
    if len(files) - len(lrmx) > MAX_FILES:
        raise LimitExceeded(f"一次最多导入 {MAX_FILES} 个文件（收到 {len(files) - len(lrmx)} 个）")
    over = None  # the file whose rows took the import over MAX_ROWS
    for path, explicit in files:
        if over is not None and path.suffix.lower() in (".csv", ".xlsx"):
            r.error(path, None, "超出限制", f"未读取：本次导入的行数已超过上限 {MAX_ROWS:,} 行"
                                         f"（读到「{visible(over.name)}」时），请分几次导入")
            continue
        if not path.exists():
            r.error(path, None, "文件不存在", f"文件不存在：{visible(str(path))}")
            continue
        if not path.is_file():
            r.error(path, None, "文件无法读取", "不是普通文件（设备、管道等不能导入）")
            continue
        suffix = path.suffix.lower()
        try:
            if suffix in LRMX_SUFFIXES:
                r.lrmx.append((path, explicit))  # read by the caller, against the database
                continue
            before = _rows_held(r)
            if suffix == ".csv":
                _read_csv(r, path, explicit)
            elif suffix == ".xlsx":
                from ._xlsx import read_xlsx  # here: _xlsx imports this module
                read_xlsx(r, path)
            elif explicit:
                r.error(path, None, "文件类型不支持", "只能导入 .csv 或 .xlsx 文件（.xls 请先另存为 .xlsx）")
            if _over_rows(r, path, before):
                over = path
        except OSError as e:  # unreadable (permissions), vanished while read, a disk error
            r.error(path, None, "文件无法读取", f"文件无法读取：{visible(e.strerror or type(e).__name__)}")
    return r


def _rows_held(r: Reading) -> int:
    return (sum(s.data.num_rows for s in r.sources if s.data is not None)
            + sum(len(p.rows) for p in r.people))


def _over_rows(r: Reading, path: Path, before: int) -> bool:
    """An error naming ``path`` when the rows read so far exceed ``MAX_ROWS``; the rows read are
    then let go (the import fails: nothing is staged, the memory is freed) and no more files read."""
    held = _rows_held(r)
    if held <= MAX_ROWS:
        return False
    own = held - before
    if own > MAX_ROWS:
        reason = f"文件有 {own:,} 行，超过一次导入的上限 {MAX_ROWS:,} 行：请拆分成几个较小的文件，分几次导入"
    else:
        reason = (f"此文件有 {own:,} 行，与本次导入的其他文件合计 {held:,} 行，超过一次导入的上限"
                  f" {MAX_ROWS:,} 行：请分几次导入")
    r.error(path, None, "超出限制", reason)
    r.sources.clear()
    r.people.clear()
    return True


def _csv_bytes(r: Reading) -> int:
    return sum(f["bytes"] for f in r.files if f["name"].lower().endswith(".csv"))


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
        shown = visible(h.strip())
        if col is None:
            r.warn(file, sheet, f"多余的列「{shown}」已忽略")
        elif col in written:
            r.error(file, sheet, "表头重复", f"列「{shown}」与「{written[col]}」是同一列", column=shown)
            return None
        else:
            by_index[i] = col
            written[col] = shown
    missing = [c for c in TABLES[table].columns if c.required and c.name not in written]
    if missing:
        for c in missing:
            r.error(file, sheet, "缺少必填列", f"缺少必填列「{c.zh}」（{c.name}）", column=c.zh)
        return None
    return by_index, written


def _clean(r: Reading, file, sheet, header: str | None, c: Column, arr: pa.Array) -> pa.Array:
    """Trimmed; parsed values and codes NFKC-normalised (a warning counts the codes changed)."""
    arr = pc.fill_null(pc.cast(arr, pa.string()), "")
    if c.type != "text":
        return pc.utf8_trim(pc.utf8_normalize(arr, form="NFKC"), TRIM)
    arr = pc.utf8_trim(arr, TRIM)
    if not c.is_code:
        return arr
    folded = pc.utf8_trim(pc.utf8_normalize(arr, form="NFKC"), TRIM)
    changed = pc.not_equal(arr, folded)
    n = pc.sum(changed).as_py() or 0
    if n:
        i = pc.index(changed, True).as_py()
        r.warn(file, sheet, f"「{header or c.zh}」有 {n} 个代码含全角或兼容字符，已按半角读取"
                            f"（如「{visible(arr[i].as_py())}」读作「{visible(folded[i].as_py())}」）")
    return folded


def _assemble(r: Reading, file, sheet, table: str, written: dict[str, str], rows: pa.Array,
              columns: dict[str, pa.Array], n: int) -> pa.Table:
    data = {"_row": rows}
    for c in TABLES[table].columns:
        raw = columns[c.name] if c.name in columns else pa.nulls(n, pa.string())
        data[c.name] = _clean(r, file, sheet, written.get(c.name), c, raw)
    return pa.table(data)


# --- CSV ---------------------------------------------------------------------------------------

def _decode(r: Reading, path: Path, data: bytes) -> bytes | None:
    """UTF-8 bytes of the file: UTF-8 (any number of leading BOMs skipped), UTF-16 with its BOM,
    or GB18030; None when none of them reads it."""
    boms = 0
    while data.startswith(_BOM):
        data, boms = data[3:], boms + 1
    if boms > 1:
        r.warn(path, None, f"文件开头有 {boms} 个 BOM（UTF-8 签名），已全部忽略")
    if not boms and data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return None
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030").encode("utf-8")
    except UnicodeDecodeError:
        return None


def _head_rows(text: str) -> list[list[str]]:
    """The first rows of a CSV text, read as Python's csv module does (any line ending)."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a huge cell in the first rows is not an error here
    rows: list[list[str]] = []
    try:
        for row in itertools.islice(csv.reader(io.StringIO(text, newline="")), HEADER_SCAN_ROWS):
            rows.append(row)
    except csv.Error:
        pass  # a malformed row among the first: the header, if any, is before it
    finally:
        csv.field_size_limit(limit)
    return rows


class _TooManyBadRows(Exception):
    pass


def _parse_csv(data: bytes, skip: int, width: int, threads: bool) -> tuple[pa.Table, list]:
    bad: list = []

    def on_invalid(row):
        bad.append(row)
        return "error" if len(bad) > MAX_BAD_ROWS else "skip"

    names = [f"c{i}" for i in range(width)]
    try:
        t = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(skip_rows=skip, column_names=names, block_size=CSV_BLOCK,
                                           use_threads=threads),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid, newlines_in_values=True,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid:
        if len(bad) > MAX_BAD_ROWS:
            raise _TooManyBadRows from None
        raise
    return t, bad


def _read_csv(r: Reading, path: Path, explicit: bool) -> None:
    table = _table_of(path.stem)
    if table is None:
        msg = f"文件名「{visible(path.name)}」不是数据表名：CSV 文件应以表名命名，如 persons.csv 或 人员.csv"
        if explicit:
            r.error(path, None, "无法识别的文件", msg)
        else:
            r.warn(path, None, msg + "（已忽略）")
        return
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        r.error(path, None, "超出限制", f"文件有 {size / 1e6:.0f} MB，超过 CSV 文件上限 {MAX_CSV_BYTES / 1e6:.0f} MB"
                                     "：请拆分成几个较小的文件，分几次导入")
        return
    if (held := _csv_bytes(r)) + size > MAX_CSV_BYTES:
        r.error(path, None, "超出限制", f"此文件有 {size / 1e6:.0f} MB，与本次导入的其他 CSV 文件合计"
                                     f" {(held + size) / 1e6:.0f} MB，超过一次导入的上限 {MAX_CSV_BYTES / 1e6:.0f} MB：请分几次导入")
        return
    raw = path.read_bytes()
    _digest(r, path, raw)
    data = _decode(r, path, raw)
    del raw
    if data is None:
        r.error(path, None, "文件编码无法识别", "文件编码无法识别：请另存为 UTF-8 或 GB18030（ANSI）编码的 CSV")
        return
    head_rows = _head_rows(data[:1_000_000].decode("utf-8", errors="ignore"))
    idx, score = _detect_header(head_rows, table)
    if score == 0:
        r.error(path, None, "未找到表头", f"前 {HEADER_SCAN_ROWS} 行中没有找到「{TABLES[table].zh}」表的表头")
        return
    if len(head_rows[idx]) > MAX_COLUMNS:
        r.error(path, None, "超出限制", f"表头有 {len(head_rows[idx])} 列，超过上限 {MAX_COLUMNS} 列", row=idx + 1)
        return
    mapped = _map_headers(r, path, None, table, head_rows[idx])
    if mapped is None:
        return
    by_index, written = mapped
    width = len(head_rows[idx])
    try:
        t, bad = _parse_csv(data, idx + 1, width, threads=True)
        if bad and any(b.number is None for b in bad):  # numbers are known only read in one thread
            t, bad = _parse_csv(data, idx + 1, width, threads=False)
    except _TooManyBadRows:
        r.error(path, None, "列数不符", f"超过 {MAX_BAD_ROWS} 行的列数与表头（{width} 列）不符，已停止读取：请检查分隔符和引号")
        return
    except pa.ArrowInvalid as e:
        text = str(e)
        if "straddl" in text:
            r.error(path, None, "单元格过长", f"有一行或一个单元格超过 {CSV_BLOCK >> 20} MB，无法读取"
                                             "（单元格上限为 32767 个字符）")
        else:
            r.error(path, None, "CSV 格式错误", f"CSV 格式错误：{visible(text.splitlines()[0] if text else '')}")
        return
    del data
    for row in bad[:100]:
        r.error(path, None, "列数不符", f"此行有 {row.actual_columns} 列，表头有 {row.expected_columns} 列",
                row=row.number, value=visible(row.text[:80]))
    if len(bad) > 100:
        r.error(path, None, "列数不符", f"另有 {len(bad) - 100} 行的列数与表头不符")
    n = t.num_rows
    first = idx + 2  # the record after the header, 1-based
    if bad:
        skipped = {b.number for b in bad}
        numbers = [k for k in range(first, first + n + len(bad)) if k not in skipped][:n]
        rows = pa.array(numbers, pa.int64())
    else:
        rows = pa.array(range(first, first + n), pa.int64())
    cols = {col: t.column(f"c{i}") for i, col in by_index.items()}
    r.sources.append(Source(str(path), None, table, idx + 1, written,
                            _assemble(r, path, None, table, written, rows, cols, n)))
