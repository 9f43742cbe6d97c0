"""Units by name or code (issue 18): ``--units`` takes either, mixed; ``qingmiao units`` lists them.

- ``resolve(con, given)`` turns what a user typed into unit codes (``unit_id``): a code, matched
  exactly, then ignoring case and width; else a name, matched exactly, then after NFKC
  normalisation and ignoring case and spaces (so ``（2）`` and ``(2)`` are the same name). A name
  shared by several units, or text matching nothing, is a usage error naming up to three closest
  codes and names (``difflib`` over both).
- ``listing(con, as_of=…)`` is every unit with its code, name, kind, parent and — when a date is
  given — its active headcount on that date (persons whose main post is in the unit).
- ``default_as_of(con)``: 31 December of the database's last data year (``meta`` ``data_to``,
  written by ``qingmiao demo`` and by ``qingmiao import``), else ``None`` (no headcount). Never
  today: the same database gives the same list on any day.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from collections.abc import Iterable, Sequence

import duckdb
import pandas as pd

from .outputs import UsageError

_UNITS_SQL = "select unit_id, name, kind::varchar as kind, parent_id from units order by unit_id"

_BY_KIND_SQL = "select unit_id, name, kind::varchar from units order by kind, unit_id"

# units with a post held on $d
_WITH_POSTS_SQL = """
select u.unit_id, u.name, u.kind::varchar from units u
where u.unit_id in (select unit_id from posts where start_date <= $d and (end_date is null or end_date > $d))
order by u.kind, u.unit_id
"""

# active persons per unit on $as_of, from the base layer's snapshot (the unit of the main post)
_HEADCOUNT_SQL = """
select u.unit_id, u.name, u.kind::varchar as kind, u.parent_id, coalesce(h.persons, 0) as persons
from units as u
left join (
    select unit_id, count(*) as persons
    from person_snapshot($as_of::date)
    where active
    group by unit_id
) as h on h.unit_id = u.unit_id
order by u.unit_id
"""


def _fold(text: str) -> str:
    """The form two spellings of one name share: NFKC (full-width → half-width), case, spaces."""
    return "".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def load(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every unit: ``unit_id``, ``name``, ``kind``, ``parent_id``, ordered by code."""
    return con.execute(_UNITS_SQL).df()


def default_as_of(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """31 December of ``meta`` ``data_to`` (the last year the records cover), else ``None``."""
    try:
        got = con.execute("select try_cast(value as integer) from meta where key = 'data_to'").fetchall()
    except duckdb.Error:
        return None
    if not got or got[0][0] is None or not 1900 <= got[0][0] <= 9999:
        return None
    return dt.date(got[0][0], 12, 31)


def listing(con: duckdb.DuckDBPyConnection, *, as_of: dt.date | None) -> pd.DataFrame:
    """Every unit: ``unit_id``, ``name``, ``kind``, ``parent_id`` and, when ``as_of`` is given,
    ``persons`` (active headcount that day; 0 for a unit with nobody). ``attrs['as_of']``."""
    if as_of is None:
        df = load(con)
    else:
        df = con.execute(_HEADCOUNT_SQL, {"as_of": as_of}).df()
        df["persons"] = df["persons"].astype("int64")
    df.attrs["as_of"] = None if as_of is None else as_of.isoformat()
    return df


def by_kind(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """``(unit_id, name, kind)`` of every unit, ordered by kind (in the rules' order of kinds)
    and code: a unit picker's options."""
    return con.execute(_BY_KIND_SQL).fetchall()


def with_posts(con: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> list[tuple[str, str, str]]:
    """``(unit_id, name, kind)`` of every unit with someone in post on ``as_of`` (any post, not
    only main posts), ordered by kind and code: the units a batch of unit reports covers."""
    return con.execute(_WITH_POSTS_SQL, {"d": as_of}).fetchall()


def suggestions(units: pd.DataFrame, text: str, *, n: int = 3) -> list[str]:
    """Up to ``n`` units closest to ``text`` among codes and names, as ``"code 名称"``."""
    label = {}
    for uid, name in zip(units["unit_id"], units["name"], strict=True):
        label.setdefault(_fold(uid), f"{uid} {name}")
        label.setdefault(_fold(name), f"{uid} {name}")
    close = difflib.get_close_matches(_fold(text), list(label), n=n * 2, cutoff=0.34)
    out: list[str] = []
    for key in close:
        if label[key] not in out:
            out.append(label[key])
    return out[:n]


def _show(text: str) -> str:
    """What the user typed, printable on one line (control characters escaped)."""
    return repr(str(text))[1:-1] if any(not ch.isprintable() for ch in str(text)) else str(text)


def resolve(con: duckdb.DuckDBPyConnection, given: Iterable[str] | None) -> list[str] | None:
    """The unit codes of ``given`` (codes or names, mixed), in the order given, without repeats;
    ``None`` when ``given`` is ``None`` (no filter). Unknown or ambiguous text → ``UsageError``."""
    if given is None:
        return None
    given = [str(g) for g in given]
    units = load(con)
    return resolve_in(units, given)


def resolve_in(units: pd.DataFrame, given: Sequence[str]) -> list[str]:
    """``resolve`` against a frame of units (``unit_id``, ``name``)."""
    ids = list(units["unit_id"])
    names = list(units["name"])
    by_id = {u: {u} for u in ids}
    by_id_folded: dict[str, set[str]] = {}
    by_name: dict[str, set[str]] = {}
    by_name_folded: dict[str, set[str]] = {}
    for uid, name in zip(ids, names, strict=True):
        by_id_folded.setdefault(_fold(uid), set()).add(uid)
        by_name.setdefault(name, set()).add(uid)
        by_name_folded.setdefault(_fold(name), set()).add(uid)
    out: list[str] = []
    unknown: list[str] = []
    for text in given:
        key = text.strip()
        hit: set[str] | None = None
        for table, k in ((by_id, key), (by_id_folded, _fold(key)), (by_name, key), (by_name_folded, _fold(key))):
            if table.get(k):
                hit = table[k]
                break
        if not key or hit is None:
            unknown.append(text)
            continue
        if len(hit) > 1:
            raise UsageError(f"单位名称“{_show(text)}”对应多个单位（{'、'.join(sorted(hit))}），请改用单位代码")
        (uid,) = hit
        if uid not in out:
            out.append(uid)
    if unknown:
        first = unknown[0]
        close = suggestions(units, first)
        hint = f"；最接近的：{'，'.join(close)}" if close else ""
        more = f"（另有 {len(unknown) - 1} 个未知单位）" if len(unknown) > 1 else ""
        raise UsageError(f"未知单位 unknown unit：{_show(first)}{more}{hint}"
                         "（qingmiao units 列出全部单位代码和名称）")
    return out
