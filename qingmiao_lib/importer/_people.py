"""Resolving rosters and ledgers (``Reading.people``, set aside by ``_xlsx``) once the database is
open: unit names to unit codes, rows to persons, then each sheet to the import contract's tables
(:mod:`._roster`, :mod:`._ledger`) as ordinary :class:`_read.Source`\\ s that the validator checks
like any other file.

**Units** (:func:`unit_ids`): the unit list is this import's units and the database's (those a
``replace`` of the units table removes excluded, as for 干部任免审批表 files). A written unit is, in
this order: a unit code; a unit name (NFKC, spaces trimmed); the same without any spaces; the one
unit whose name ends with the text written or whose name the text ends with (``财政局`` for
``示例县财政局``: counted in a warning). No unit, or several, is an error naming file, sheet,
row and column.

**Known persons**: the database's and those of this import's tables and 任免审批表 files; a
roster's persons join them before ledgers are resolved, so a roster and its ledgers can be
imported together. Names are compared with spaces removed (``qm_name_key``).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from .. import sql
from ._read import Reading, Source
from ._report import visible

#: How a written unit was found (for the warning).
_BY_SUFFIX = "suffix"


def _norm(text: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", str(text)).split())


class UnitList:
    """Unit codes and names (this import's and the database's), and how a written unit resolves."""

    def __init__(self, rows):
        self.kinds: dict[str, str] = {}
        self.names: dict[str, str] = {}         # unit_id → name
        for uid, name, kind in rows:
            self.kinds[uid] = kind
            self.names[uid] = name
        self.by_name: dict[str, list[str]] = {}
        for uid, name in self.names.items():
            self.by_name.setdefault(_norm(name), []).append(uid)

    def find(self, text: str) -> tuple[list[str], str]:
        """(unit ids, how): one id when found, several when ambiguous, none when unknown."""
        t = _norm(text)
        if not t:
            return [], ""
        if t in self.kinds:
            return [t], "code"
        if t in self.by_name:
            return sorted(set(self.by_name[t])), "name"
        hits = sorted({u for n, ids in self.by_name.items() if n.endswith(t) or t.endswith(n) for u in ids})
        return hits, _BY_SUFFIX


def unit_list(con, reading: Reading, replace: bool) -> UnitList:
    """The units as they will be after the import (this call's first, then the database's)."""
    given = []
    for s in reading.sources:
        if s.table == "units" and s.data is not None:
            given += [row for row in zip(s.data.column("unit_id").to_pylist(), s.data.column("name").to_pylist(),
                                         s.data.column("kind").to_pylist(), strict=True) if row[0] and row[1]]
    replaced = replace and bool(given)
    again = {u for u, _, _ in given}
    db = [] if replaced else con.execute("select unit_id, name, kind::varchar from main.units").fetchall()
    return UnitList([*(u for u in db if u[0] not in again), *given])


def unit_ids(reading: Reading, units: UnitList, sheet, column: tuple[str, str], written: list[str]) -> list[str | None]:
    """The unit code of every cell of a unit-name column (None where empty or not found); an error
    per cell not found or ambiguous, a warning counting those found by the end of their name."""
    arr = pa.array(written, pa.string())
    distinct = pc.unique(arr).to_pylist()
    found: dict[str, str | None] = {}
    problems: dict[str, tuple[str, str]] = {}
    suffix = 0
    for text in distinct:
        ids, how = units.find(text or "")
        if len(ids) == 1:
            found[text] = ids[0]
            suffix += how == _BY_SUFFIX
        else:
            found[text] = None
            if text and ids:
                problems[text] = ("单位无法确定", f"单位「{visible(text)}」可能是：" + "、".join(
                    visible(units.names[u]) for u in ids[:5]) + "：请写单位全称或单位代码")
            elif text:
                problems[text] = ("单位不存在", f"单位「{visible(text)}」不在单位表中（导入文件和数据库中都没有）")
    header = sheet.layout.written[column]
    for i, text in enumerate(written):
        if text in problems:
            kind, reason = problems[text]
            reading.error(sheet.file, sheet.sheet, kind, reason, row=sheet.rows[i], column=header, value=visible(text))
    if suffix:
        names = [t for t in distinct if t and found.get(t) and units.find(t)[1] == _BY_SUFFIX]
        reading.warn(sheet.file, sheet.sheet, f"「{header}」中有 {len(names)} 个单位名称按名称末尾与单位表对应（如「"
                     f"{visible(names[0])}」为「{visible(units.names[found[names[0]]])}」）：请核对")
    return [found.get(t) for t in written]


def cells(sheet, group: str, name: str) -> list[str]:
    """The cells of a field of ``sheet`` ('' for each row when the sheet has no such column)."""
    return sheet.data.get((group, name)) or [""] * len(sheet.rows)


def known_persons(con, reading: Reading, replace: bool) -> None:
    """Temp table ``_known`` (person_id, nm, gender, birth): the database's persons and those of
    this import's persons sources."""
    parts = []
    for s in reading.sources:
        if s.table == "persons" and s.data is not None:
            parts.append(s.data.select(["person_id", "name", "gender", "birth_date"]))
    imported = pa.concat_tables(parts) if parts else pa.table(
        {k: pa.array([], pa.string()) for k in ("person_id", "name", "gender", "birth_date")})
    con.register("_imported_persons", imported)
    con.execute(sql.load("importer/people_known"), {"keep_db": not (replace and parts)})
    con.unregister("_imported_persons")


def person_units(con, reading: Reading) -> None:
    """Temp table ``_pu`` (person_id, unit_id, s, e): the posts of the database and of this import."""
    parts = [s.data.select(["person_id", "unit_id", "start_date", "end_date"])
             for s in reading.sources if s.table == "posts" and s.data is not None]
    imported = pa.concat_tables(parts) if parts else pa.table(
        {k: pa.array([], pa.string()) for k in ("person_id", "unit_id", "start_date", "end_date")})
    con.register("_imported_posts", imported)
    con.execute(sql.load("importer/people_units"))
    con.unregister("_imported_posts")


def source(reading: Reading, sheet, table: str, written: dict[str, str], rows: list[int],
           columns: dict[str, pa.Array]) -> Source:
    """A :class:`Source` of ``table`` from text columns (the contract's names) of ``sheet``."""
    from ._read import _assemble

    n = len(rows)
    return Source(sheet.file, sheet.sheet, table, sheet.header_line, written,
                  _assemble(reading, sheet.file, sheet.sheet, table, written, pa.array(rows, pa.int64()), columns, n))


def resolve(con, reading: Reading, *, replace: bool, headers=None, lexicon=None) -> None:
    """Turn every roster and ledger of ``reading.people`` into Sources (rosters first, so that the
    ledgers of the same import find their persons), listing every person or unit that cannot be
    resolved as an error naming file, sheet, row and column. Needs the import macros
    (``_validate.prepare``)."""
    if not reading.people:
        return
    from . import _ledger, _roster
    from ._headers import load_headers
    from ._resume import load_titles

    headers = headers or load_headers()
    con.execute(sql.load("importer/people_macros"))
    units = unit_list(con, reading, replace)
    rosters = [s for s in reading.people if s.layout.kind == "roster"]
    ledgers = [s for s in reading.people if s.layout.kind != "roster"]
    if rosters:
        known_persons(con, reading, replace)
        _roster.read(con, reading, rosters, units=units, headers=headers, lexicon=lexicon or load_titles())
    if ledgers:
        known_persons(con, reading, replace)
        person_units(con, reading)
        for sheet in ledgers:
            _ledger.read(con, reading, sheet, units=units)
    reading.people = []
