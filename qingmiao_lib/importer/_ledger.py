"""Ledgers (台账: rows of one table — 年度考核结果, 培训台账, 实践锻炼选派 … — with the person named by
姓名 + 单位 or 姓名 + 出生年月 instead of, or beside, 人员编号; domain/cadre-formats.md §3).

- **The person** of a row: its 人员编号 when the ledger has one in that row; otherwise the one known
  person (the database's and this import's, rosters included) of the same name, birth month (when
  written) and gender (when written) who held a post in the written unit — during the ledger's
  year first (for a ledger without a year: now), then at any time (``sql/importer/ledger_persons.sql``).
  Nobody is an error (人员不存在), several are an error (人员无法确定), a row naming neither a unit
  nor a birth month is an error (无法确定人员): never a guess.
- **The year** of a table with a 年度 column (年度考核): the row's 年度 cell, else the sheet's year
  (its name ``2023年度``, a title row, or the file name; ``_headers.year_of``); none is an error.
- Every other column is the table's own, under the spellings of ``rules/roster.toml``.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from .. import sql
from ..contract import TABLES
from . import _people
from ._headers import LOOKUP
from ._report import visible


def read(con, reading, s, *, units) -> None:
    """One ledger sheet into ``reading.sources`` (see the module docstring); errors into ``reading``."""
    table = s.layout.kind
    t = TABLES[table]
    n = len(s.rows)
    has = {f for g, f in s.data if g == table}
    who = {f for g, f in s.data if g == LOOKUP}
    year = None
    if "year" in {c.name for c in t.columns}:
        year = _people.cells(s, table, "year")
        if s.layout.year is not None:
            year = [y or str(s.layout.year) for y in year]
            reading.warn(s.file, s.sheet, f"「{s.sheet or s.file}」按{s.layout.year_from}读作 {s.layout.year} 年度")
        elif "year" not in has:
            reading.error(s.file, s.sheet, "无法确定年度", "台账没有「年度」列，工作表名、标题行和文件名中也没有年份"
                          "（如工作表名「2023年度」）")
            return
    pid = _people.cells(s, table, "person_id")
    name = _people.cells(s, LOOKUP, "name")
    birth = _people.cells(s, LOOKUP, "birth_date")
    need = [not p for p in pid]
    if "unit_id" in who:
        unit = [u or None for u in _people.cells(s, LOOKUP, "unit_id")]
        unit_written = _people.cells(s, LOOKUP, "unit_id")
    elif "unit_name" in who:
        unit_written = [u if q else "" for u, q in zip(_people.cells(s, LOOKUP, "unit_name"), need, strict=True)]
        unit = _people.unit_ids(reading, units, s, (LOOKUP, "unit_name"), unit_written)
    else:
        unit = unit_written = [""] * n
    header = s.layout.written.get((LOOKUP, "name"), "姓名")
    ok = [True] * n
    lookup = []
    for i in range(n):
        if not need[i]:
            continue
        if unit_written[i] and unit[i] is None:
            ok[i] = False   # the unit's error is listed
        elif not name[i] or not (unit_written[i] or birth[i]):
            ok[i] = False
            reading.error(s.file, s.sheet, "无法确定人员", "此行没有人员编号，也没有姓名加单位或出生年月：无法确定是哪一位",
                          row=s.rows[i], column=header, value=visible(name[i]) or None)
        else:
            lookup.append(i)
    found = _lookup(con, s, lookup, name, birth, unit, year)
    for i, (person_id, how, count) in zip(lookup, found, strict=True):
        if how == "ok":
            pid[i] = person_id
            continue
        ok[i] = False
        said = "、".join(x for x in (f"单位「{visible(unit_written[i])}」" if unit_written[i] else "",
                                     f"出生年月「{visible(birth[i])}」" if birth[i] else "") if x)
        if how == "ambiguous":
            reading.error(s.file, s.sheet, "人员无法确定", f"有 {count} 人姓名相同且{said}相符，无法确定是哪一位："
                          "请加「人员编号」或「出生年月」列区分", row=s.rows[i], column=header, value=visible(name[i]))
        else:
            reading.error(s.file, s.sheet, "人员不存在", f"没有姓名为此、{said}相符的人员（导入文件和数据库中都没有）",
                          row=s.rows[i], column=header, value=visible(name[i]))
    keep = pa.array(ok)
    cols = {"person_id": pc.filter(pa.array(pid, pa.string()), keep)}
    if year is not None:
        cols["year"] = pc.filter(pa.array(year, pa.string()), keep)
    for c in t.columns:
        if c.name in has and c.name not in cols:
            cols[c.name] = pc.filter(pa.array(s.data[(table, c.name)], pa.string()), keep)
    written = {c: s.layout.written[(table, c)] for c in has}
    written.setdefault("person_id", header)
    rows = pc.filter(pa.array(s.rows, pa.int64()), keep).to_pylist()
    if rows:
        reading.sources.append(_people.source(reading, s, table, written, rows, cols))


def _lookup(con, s, idx: list[int], name, birth, unit, year) -> list[tuple]:
    """(person_id, how, candidates) of the rows ``idx`` by ``ledger_persons.sql``."""
    if not idx:
        return []
    gender = _people.cells(s, LOOKUP, "gender")
    con.register("_led", pa.table({
        "_sheet": pa.array([0] * len(idx), pa.int32()), "_row": pa.array(idx, pa.int64()),
        "name": pa.array([name[i] for i in idx], pa.string()), "birth": pa.array([birth[i] for i in idx], pa.string()),
        "gender": pa.array([gender[i] for i in idx], pa.string()),
        "unit_id": pa.array([unit[i] or "" for i in idx], pa.string()),
        "year": pa.array([year[i] if year else "" for i in idx], pa.string())}))
    got = con.execute(sql.load("importer/ledger_persons") + " order by _row").fetchall()
    con.unregister("_led")
    return [(p, how, n) for _, _, p, how, n in got]
