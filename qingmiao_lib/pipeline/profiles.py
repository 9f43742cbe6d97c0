"""One person at a time: the active persons for a profile picker and one person's growth record
(成长档案) as one timeline. Names are masked unless asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from .. import _query, sql
from ..privacy import mask_name, mask_names
from ._common import _counties, _date, _finish, _frame, _units


def people(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
           units: str | Sequence[str] | None = None, unmasked: bool = False,
           counties: str | Sequence[str] | None = None, match: str | None = None,
           limit: int | None = None) -> pd.DataFrame:
    """Active persons on ``as_of`` for a profile picker: ``person_id, name`` (masked unless
    ``unmasked``), ``unit_id, unit_name, rank, level, age``; one row per person, by unit and
    person id. ``match``: only those whose person id begins with it or whose unit's name holds
    it — or, ``unmasked``, whose name holds it (a masked list is never searched by name);
    ``limit``: the first so many."""
    as_of = _date(as_of)
    match = (match or "").strip() or None
    if limit is not None and int(limit) < 0:
        raise ValueError(f"limit must be 0 or more, got {limit}")
    df = _frame(con, "people", {"as_of": as_of, "units": _units(units), "counties": _counties(con, counties),
                                "match": match, "names": bool(unmasked),
                                "limit": None if limit is None else int(limit)})
    if not unmasked:
        df["name"] = mask_names(df["name"])
    return _finish(df, con, as_of=as_of, unmasked=bool(unmasked))


def profile(con: duckdb.DuckDBPyConnection, *, person_id: str, as_of: dt.date | None = None,
            unmasked: bool = False) -> pd.DataFrame:
    """One person's growth record (成长档案) as one long timeline.

    Returns one row per record starting by ``as_of`` (all records when None): ``kind`` (录用,
    职务, 职级, 人才库, 培训, 每周一讲 — one row per year —, 导师, 实践锻炼, 年度考核, 急难险重,
    奖励, 监督管理), ``start``, ``end`` (NaT for a one-day event or an open interval), ``open``
    (still current), ``label`` and ``detail``. Names (the person's in ``attrs["name"]``, the
    mentors' in ``detail``) are masked unless ``unmasked``. Raises ``KeyError`` for an unknown
    person.
    """
    as_of = None if as_of is None else _date(as_of)
    found = con.execute(sql.load("pipeline/person"), {"person_id": person_id}).fetchall()
    if not found:
        raise KeyError(f"人员编号不存在：{person_id}")
    name = found[0][0] if unmasked else mask_name(found[0][0])
    df = _frame(con, "profile", {"person_id": person_id, "as_of": as_of})
    who = df["who"].map(lambda n: n if unmasked or pd.isna(n) else mask_name(n)).astype(object)
    df["detail"] = _query.text((who.fillna("") + " " + df["detail"].astype(object).fillna("")).str.strip())
    df["open"] = df["open"].astype(bool)
    df = df.drop(columns=["who", "kind_order"])
    return _finish(df, con, as_of=as_of, person_id=person_id, name=name, unmasked=bool(unmasked))
