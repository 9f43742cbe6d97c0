"""Recognising a department's own sheets (domain/cadre-formats.md §3): rosters (花名册, one row
per person) and ledgers (台账, rows of one table keyed by 姓名 + 单位 or 姓名 + 出生年月), their
header found below title rows, on one row or on two (a merged group cell above its sub-headers),
and named in the department's own words — the spellings of ``rules/roster.toml``.

>>> h = load_headers()
>>> layout = recognise(h, "Sheet1", "", [["某县公务员花名册"], ["序号", "姓名", "性别", "出生\\n年月", "学历", "录用时间"]])
>>> layout.kind, layout.header_rows, sorted(f for _, f in layout.columns.values())
('roster', (1,), ['birth_date', 'education', 'entry_date', 'gender', 'name'])

A sheet named as a table is read as a ledger of that table when its header has 姓名 but no
人员编号 (:func:`recognise` with ``table``); a sheet named otherwise is a roster, a ledger named
in ``[ledgers]``, or a ledger of the table whose own columns its header names (a sheet per year,
``2023年度``, of 年度考核 results). The year of such a sheet is read from its name, then from its
title rows, then from the file name.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from ..contract import TABLES, header_map, norm_name

#: Field groups of a roster (the tables its columns go to).
ROSTER_GROUPS = ("persons", "posts", "ranks")
#: The group naming the person of a ledger row.
LOOKUP = "person_lookup"
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年度?")


class HeadersError(ValueError):
    """An unreadable or inconsistent headers file (message in Chinese)."""


@dataclass(frozen=True)
class Headers:
    """The spellings: group → field → headers (normalised, best first), and the roster rules."""

    fields: dict[str, dict[str, tuple[str, ...]]]
    ledgers: dict[str, str]                 # normalised sheet name → table
    ignore: frozenset[str]
    min_person_fields: int = 3
    first_rank_within_months: int = 24
    key_prefix: str = "HM"
    version: str = ""

    def spellings(self, group: str) -> dict[str, tuple[str, int]]:
        """Normalised header → (field, rank: 0 = best) of ``group``; a ledger table's group also
        holds the contract's own English and Chinese headers."""
        out: dict[str, tuple[str, int]] = {}
        if group in TABLES and group not in ROSTER_GROUPS:
            for k, col in header_map(group).items():
                out[k] = (col, 0)
        for f, names in self.fields.get(group, {}).items():
            for i, n in enumerate(names):
                out.setdefault(n, (f, i))
        return out


@cache
def _shipped() -> dict:
    with resources.files("qingmiao_lib").joinpath("rules/roster.toml").open("rb") as f:
        return tomllib.load(f)


def load_headers(locality: str | Path | None = None) -> Headers:
    """The shipped spellings (``rules/roster.toml``), a ``locality`` file of the same layout
    replacing its lists field by field."""
    raw = {k: (dict(v) if isinstance(v, dict) else v) for k, v in _shipped().items()}
    raw["fields"] = {g: dict(f) for g, f in raw.get("fields", {}).items()}
    if locality is not None:
        path = Path(locality)
        try:
            with path.open("rb") as f:
                local = tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise HeadersError(f"表头词表 {path.name} 无法读取：{type(e).__name__}") from None
        for g, fields in local.get("fields", {}).items():
            raw["fields"].setdefault(g, {}).update(fields)
        for k in ("ledgers", "roster", "ignore"):
            raw.setdefault(k, {}).update(local.get(k, {}))
    fields = {g: {f: tuple(norm_name(n) for n in names) for f, names in fs.items()}
              for g, fs in raw["fields"].items()}
    ledgers = {norm_name(n): t for t, names in raw.get("ledgers", {}).items() for n in names}
    for t in set(ledgers.values()) | {g for g in fields if g not in (*ROSTER_GROUPS, LOOKUP)}:
        if t not in TABLES:
            raise HeadersError(f"表头词表中的「{t}」不是数据表名")
    ros = raw.get("roster", {})
    return Headers(fields, ledgers, frozenset(norm_name(n) for n in raw.get("ignore", {}).get("headers", [])),
                   int(ros.get("min_person_fields", 3)), int(ros.get("first_rank_within_months", 24)),
                   str(ros.get("key_prefix", "HM")), str(raw.get("meta", {}).get("version", "")))


@dataclass
class Layout:
    """Where a recognised sheet's header is and what its columns are."""

    kind: str                                   # "roster" or a ledger's table
    header_rows: tuple[int, ...]                # indexes into the rows given (one or two)
    columns: dict[int, tuple[str, str]]         # column index → (group, field)
    written: dict[tuple[str, str], str]         # (group, field) → header as written
    ignored: list[str] = field(default_factory=list)     # headers naming no field (or a lesser one)
    year: int | None = None                     # a ledger's year from its sheet, title or file
    year_from: str = ""


@dataclass
class PeopleSheet:
    """A recognised sheet's cells as text, set aside until the database is open (``_people``)."""

    file: str
    sheet: str | None
    layout: Layout
    header_line: int                            # spreadsheet row of the (last) header row
    rows: list[int]                             # spreadsheet row of each record
    data: dict[tuple[str, str], list[str]]      # (group, field) → cells


def _cells(rows: list[list], i: int) -> list[str]:
    return [("" if v is None else str(v)) for v in rows[i]] if i < len(rows) else []


def _shown(text: str) -> str:
    """A header as shown in messages: line breaks inside a cell removed (出生\\n年月 → 出生年月)."""
    return re.sub(r"\s*[\r\n]+\s*", "", text).strip()


def _candidates(rows: list[list], i: int, two: bool) -> list[tuple[list[str], str]]:
    """Per column of header row ``i`` (and ``i + 1`` when ``two``): the names to try, best first,
    each normalised, and the header as written."""
    top = _cells(rows, i)
    if not two:
        return [([norm_name(v)] if norm_name(v) else [], _shown(v)) for v in top]
    sub = _cells(rows, i + 1)
    out, group = [], ""
    for j in range(max(len(top), len(sub))):
        t = top[j] if j < len(top) else ""
        s = sub[j] if j < len(sub) else ""
        if norm_name(t):
            group = t if norm_name(s) else ""   # a group cell has sub-headers; one merged down has none
        elif norm_name(s):
            t = group                           # under a group cell merged across
        names = [n for n in (norm_name(t + s) if norm_name(s) and norm_name(t) else "", norm_name(s), norm_name(t)) if n]
        shown = " / ".join(_shown(x) for x in (t, s) if x.strip())
        out.append((names, shown))
    return out


def _map(cands, spell: dict[str, dict[str, tuple[str, int]]], ignore) -> Layout:
    """Each column to its best (group, field); a field named twice goes to the better spelling."""
    best: dict[tuple[str, str], tuple[int, int, str]] = {}
    ignored: list[str] = []
    for j, (names, shown) in enumerate(cands):
        hit = None
        for n in names:
            for g, table in spell.items():
                if n in table:
                    hit = (g, *table[n])
                    break
            if hit:
                break
        if hit is None:
            if names and not any(n in ignore for n in names):
                ignored.append(shown)
            continue
        g, f, rank = hit
        prev = best.get((g, f))
        if prev is None or rank < prev[0]:
            if prev is not None:
                ignored.append(prev[2])
            best[(g, f)] = (rank, j, shown)
        else:
            ignored.append(shown)
    return Layout("", (), {j: gf for gf, (_, j, _) in best.items()},
                  {gf: shown for gf, (_, _, shown) in best.items()}, ignored)


def _roster_ok(h: Headers, lay: Layout) -> bool:
    fields = {f for g, f in lay.columns.values() if g == "persons"}
    return "name" in fields and len(fields - {"name"}) >= h.min_person_fields


def _ledger_ok(table: str, lay: Layout, year_known: bool) -> bool:
    fields = {f for g, f in lay.columns.values() if g == table}
    who = {f for g, f in lay.columns.values() if g == LOOKUP}
    if "person_id" not in fields and not ("name" in who and who & {"unit_name", "unit_id", "birth_date"}):
        return False
    need = {c.name for c in TABLES[table].columns if c.required and c.name != "person_id"}
    if year_known:
        need.discard("year")
    return bool(need) and need <= fields


def year_of(title: str, rows: list[list], header_row: int, file: str) -> tuple[int | None, str]:
    """The year a ledger sheet is for: its name (``2023年度``), a title row above its header,
    or the file name; (None, '') when none says."""
    for text, where in ((title, "工作表名"), *((" ".join(_cells(rows, i)), "标题行") for i in range(header_row)),
                        (Path(file).stem, "文件名")):
        m = _YEAR.search(str(text))
        if m:
            return int(m.group(1)), where
    return None, ""


def _scan(h: Headers, rows: list[list], groups: tuple[str, ...], ok) -> Layout | None:
    """The best header (most fields named) among the first rows, on one row or two, for which
    ``ok(layout, header_row)`` holds."""
    spell = {g: h.spellings(g) for g in groups}
    single = [_map(_candidates(rows, i, False), spell, h.ignore) for i in range(len(rows))]
    best, score = None, 0
    for i in range(len(rows)):
        options = [(single[i], (i,))]
        if i + 1 < len(rows):
            # two rows only when they name more than either row alone (a title row above a
            # header is not a group cell)
            two = _map(_candidates(rows, i, True), spell, h.ignore)
            if len(two.columns) > max(len(single[i].columns), len(single[i + 1].columns)):
                options.append((two, (i, i + 1)))
        for lay, where in options:
            if len(lay.columns) > score and ok(lay, i):
                lay.header_rows = where
                best, score = lay, len(lay.columns)
    return best


def recognise(h: Headers, title: str, file: str, rows: list[list], table: str | None = None) -> Layout | None:
    """The layout of a sheet (``rows``: its first rows as text) read as a roster or a ledger, or
    None. ``table``: the table the sheet is named after (then only a ledger of it is tried)."""
    key = norm_name(title)
    if table is None and key in h.ledgers:
        table = h.ledgers[key]
    if table is not None:
        tables = [table] if table != "persons" else []
    else:
        tables = [t for t in h.fields if t in TABLES and t not in ROSTER_GROUPS]
    found: list[Layout] = []
    if table in (None, "persons"):
        lay = _scan(h, rows, ROSTER_GROUPS, lambda lay, i: _roster_ok(h, lay))
        if lay is not None:
            lay.kind = "roster"
            found.append(lay)
    for t in tables:
        has_year = "year" in {c.name for c in TABLES[t].columns}

        def ok(lay, i, t=t, has_year=has_year):
            return _ledger_ok(t, lay, has_year and year_of(title, rows, i, file)[0] is not None)
        lay = _scan(h, rows, (t, LOOKUP), ok)
        if lay is not None:
            lay.kind = t
            if has_year:
                lay.year, lay.year_from = year_of(title, rows, lay.header_rows[0], file)
            found.append(lay)
    if not found:
        return None
    return max(found, key=lambda lay: len(lay.columns))
