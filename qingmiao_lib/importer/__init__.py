"""Importing a department's own records (SPEC §3): CSV or XLSX in, all or nothing.

>>> from qingmiao_lib import importer
>>> report = importer.import_paths("data/county.duckdb", ["data/sample"])   # doctest: +SKIP
>>> report.counts["persons"]["new"]                                          # doctest: +SKIP
6

Everything is validated first (types, vocabularies, required values, keys, references,
intervals, overlaps, date order, identity numbers), then written in one transaction. Any error:
nothing is written and :class:`ImportFailed` lists every problem. Identity numbers are checked
and dropped — never stored, logged or shown but masked to their last four characters.

Besides the contract's tables, a workbook may hold a department's own **rosters** (花名册) and
**ledgers** (台账): sheets with title rows above a one- or two-row (merged) header in its own words
(``rules/roster.toml``), read by ``_headers``/``_xlsx`` and resolved against the database once it
is open (``_people``: units by code or name, persons by key or 姓名+出生年月+性别 for rosters —
``_roster`` — and 姓名+单位 or 姓名+出生年月 for ledgers — ``_ledger``). An unknown or ambiguous
person or unit is an error like any other.

Natural keys (a record with the same key replaces its earlier version) are the primary keys of
``schema.sql``; ``trainings`` (no key) use 人员编号+培训类别+开始时间+结束时间+培训主题+承办单位,
``lecture_attendance`` 讲座编号+人员编号 and ``quotas`` 年度+单位代码+职级 (see ``contract.py``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ..contract import ORDER
from ..db import IncompleteDatabase, NewDatabase, _open, connect, crash_point, replace_file
from ..errors import QingmiaoError
from . import _people, _read, _report, _validate, _write
from ._export import export_tables, table_checksums

__all__ = ["ImportFailed", "ImportReport", "import_paths", "export_tables", "table_checksums"]


class ImportFailed(QingmiaoError):
    """Nothing was written. ``errors``: one row per problem (file, sheet, row, column, value,
    kind, reason, table); ``counts``: problems by kind; the message is a one-line summary."""

    def __init__(self, message: str, errors: pd.DataFrame, counts: dict[str, int],
                 error_workbook: Path | None = None):
        super().__init__(message)
        self.errors = errors
        self.counts = counts
        self.error_workbook = error_workbook

    def console(self, limit: int = 20) -> str:
        """The first ``limit`` errors, one per line (file, sheet, row, column, value, reason;
        control characters shown escaped, e.g. ``\\x1b``), then ``共 N 条错误``."""
        return _report.console(self.errors, self.counts, limit)


@dataclass
class ImportReport:
    """What an import did: ``counts`` per table (read, new, changed, unchanged, deleted),
    ``warnings`` (extra columns, ignored files or sheets), the files with their checksums."""

    db_path: Path
    counts: dict[str, dict[str, int]]
    files: list[dict]
    warnings: pd.DataFrame
    replace: bool = False
    data_years: tuple[int, int] | None = None
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    def summary(self) -> str:
        """One line: rows per table, new and changed."""
        parts = [f"{t} {c['read']}（新增 {c['new']}，更新 {c['changed']}"
                 + (f"，删除 {c['deleted']}" if c["deleted"] else "") + "）" for t, c in self.counts.items()]
        return f"导入完成：{'；'.join(parts)}"


def _fail(by_kind, errors, error_workbook, con, sources, message=None) -> ImportFailed:
    wb, unwritten = None, None
    if error_workbook is not None:
        try:
            wb = _report.write_error_workbook(error_workbook, errors, con, sources)
        except OSError as e:  # the errors matter more than their workbook: say both
            unwritten = f"，错误清单未能写入 {error_workbook}：{e.strerror or e}"
    msg = message or _report.summary(by_kind)
    if wb is not None:
        msg += f"，错误清单已写入 {wb}"
    elif unwritten:
        msg += unwritten
    return ImportFailed(msg, errors, by_kind, wb)


def _no_data(reading) -> None:
    if not reading.sources and not reading.errors:
        reading.errors.append(dict(file=None, sheet=None, row=None, column=None, value=None, kind="没有数据",
                                   reason="没有找到可导入的数据表（CSV 文件名或 XLSX 工作表名应为表名，如 persons 或 人员）"))


def _read_lrmx(con, reading, replace: bool) -> None:
    """Read the 干部任免审批表 files set aside by ``read_all`` against the database: 简历 lines
    matched against this call's units and the database's (not those a ``replace`` of the units
    table removes), persons matched against the database's, so that a person keeps their key
    (the department's own, or a surrogate of an earlier import) and new surrogates follow the
    largest in the database."""
    from . import _lrmx

    replaced = replace and any(s.table == "units" for s in reading.sources)
    db_units = [] if replaced else con.execute(
        "select unit_id, name, kind::varchar from main.units").fetchall()
    cols = ["person_id", "name", "gender", "birth_date", "entry_date", "entry_channel"]
    existing = pd.DataFrame(con.execute(
        "select person_id, name, gender::varchar, birth_date, entry_date, entry_channel::varchar "
        "from main.persons").fetchall(), columns=cols)
    try:
        _lrmx.read_into(reading, reading.lrmx, units=_lrmx.units_of(reading, db_units), existing=existing)
    except OSError as e:
        reading.error(reading.lrmx[0][0], None, "文件无法读取",
                      f"文件无法读取：{_report.visible(e.strerror or type(e).__name__)}")


def import_paths(db_path, paths, *, replace: bool = False, rules=None,
                 error_workbook=None) -> ImportReport:
    """Import CSV/XLSX files (or folders of them) into the database at ``db_path``.

    Parameters
    ----------
    db_path
        The DuckDB file. When missing — or left incomplete by an interrupted creation — a new
        database is built under a temporary name beside it and moved there only when the import
        succeeds (nothing is left behind on failure, nor by a killed run).
    paths
        Files or folders. A CSV file is named after its table (``persons.csv`` or ``人员.csv``);
        an XLSX workbook has one sheet per table, named in English or Chinese.
    replace
        Make each imported table equal to its files (a full re-export); otherwise a record
        replaces the one with the same natural key and other records stay.
    rules
        A locality rules file for the connection.
    error_workbook
        Where to write the errors as an .xlsx the user can fix and import again.

    Returns
    -------
    ImportReport

    Raises
    ------
    ImportFailed
        On any problem with the files; nothing is written.
    qingmiao_lib.errors.DatabaseLocked
        When another process holds the database open.
    """
    started = time.perf_counter()
    db_path = Path(db_path)
    try:
        reading = _read.read_all(paths)
    except _read.LimitExceeded as e:
        err = dict(file=None, sheet=None, row=None, column=None, value=None, kind="超出限制", reason=str(e))
        errors, by_kind = _report.error_frame(None, [], [err])
        raise _fail(by_kind, errors, error_workbook, None, [], f"导入失败，未写入任何数据：{e}") from None
    if not reading.lrmx and not reading.people:
        _no_data(reading)
    # a new database (the file missing, or an interrupted creation) is built under a temporary
    # name and moved onto db_path only when complete; an existing one is written in place in one
    # transaction, or into a copy that replaces it (_write.needs_copy)
    new = None
    if db_path.exists():
        try:
            con = connect(db_path, read_only=False, rules=rules)
        except IncompleteDatabase:
            new = NewDatabase(db_path, replace="incomplete", rules=rules)
            reading.warn(db_path, None, "该数据库文件未建完（此前的生成或导入被中断，其中没有任何记录），已用本次导入的数据重建")
    else:
        new = NewDatabase(db_path, replace="incomplete", rules=rules)
    if new is not None:
        con = new.open()
    else:
        for leftover in (_write.copy_path(db_path), Path(str(_write.copy_path(db_path)) + ".wal")):
            leftover.unlink(missing_ok=True)  # left by a killed import (we hold the database's lock)
    ok, copy = False, None
    try:
        _validate.prepare(con)
        if reading.lrmx:
            _read_lrmx(con, reading, replace)
        if reading.people:
            _people.resolve(con, reading, replace=replace)
        if reading.lrmx or reading.people:
            _no_data(reading)
        sources = reading.sources
        con.execute("create or replace temp table import_sources (_src integer, label varchar)")
        for i, s in enumerate(sources):
            label = Path(s.file).name + (f"「{s.sheet}」" if s.sheet else "")
            con.execute("insert into import_sources values (?, ?)", [i, label])
        staged: set[str] = set()
        for name in ORDER:
            parts = [s.data.append_column("_src", pa.array([i] * s.data.num_rows, pa.int32()))
                     for i, s in enumerate(sources) if s.table == name]
            if parts:
                _validate.stage(con, name, pa.concat_tables(parts))
                staged.add(name)
        for s in sources:
            s.data = None  # free the text tables
        for name in staged:
            _validate.check_columns(con, name)
            _validate.check_duplicates(con, name)
            if name in _validate.REPEATS_ALLOWED and (n := _validate.repeated_rows(con, name)):
                reading.warn("", name, f"{n} 行与另一行的{name}记录完全相同或识别字段相同，均已导入（请确认不是重复登记）")
        _validate.final_views(con, staged, replace)
        _validate.check_references(con, staged, replace)
        _validate.check_overlaps(con, staged)
        _validate.check_unit_cycles(con, staged)
        n_errors = con.execute("select count(*) from import_errors").fetchall()[0][0]
        if n_errors or reading.errors:
            errors, by_kind = _report.error_frame(con, sources, reading.errors)
            raise _fail(by_kind, errors, error_workbook, con, sources)
        crash_point("import:validated")
        counts = _write.counts(con, staged, replace)
        if new is None and _write.needs_copy(counts):
            copy = _write.write_copy(con, db_path, staged, replace, files=reading.files, row_counts=counts)
            crash_point("import:written")
            replace_file(copy, db_path, con)  # while con still holds the database's lock
        else:
            _write.write(con, staged, replace, files=reading.files, row_counts=counts)
            crash_point("import:written")
            if new is not None:
                new.commit()  # closes con
        ok = True
    finally:
        if new is not None:
            if not ok:
                new.discard()
        else:
            con.close()
            if copy is not None and not ok:
                for leftover in (copy, Path(str(copy) + ".wal")):
                    leftover.unlink(missing_ok=True)
    with _open(db_path, read_only=True, rules=None, ready=False) as con:  # meta only: no rules, no macros
        span = con.execute("select try_cast(value as integer) from meta where key in ('data_from', 'data_to') "
                           "order by key").fetchall()
    warnings = pd.DataFrame(reading.warnings, columns=["file", "sheet", "message"])
    return ImportReport(db_path=db_path, counts={t: counts[t] for t in ORDER if t in counts},
                        files=reading.files, warnings=warnings, replace=replace,
                        data_years=(span[0][0], span[1][0]) if len(span) == 2 else None,
                        seconds=time.perf_counter() - started)
