"""Promotions that happened: per year by kind (提拔领导职务 F7, 职级晋升 F9, 退出领导岗位并晋升职级
F8) and grouping, and the recruit → promoted funnel per entry cohort.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from .. import _query
from ._common import _counties, _date, _default_cohorts, _finish, _frame

#: Promotion kinds of :func:`promotion_events` and their Chinese names.
EVENT_KINDS = {"leadership": "提拔领导职务", "rank": "职级晋升", "step_down": "退出领导岗位并晋升职级"}


#: Groupings of :func:`promotion_events` (an allowlist: the value is bound, never pasted).
EVENT_GROUPS = ("age_group", "unit", "entry_cohort", "all")


#: The funnel's steps in order: column of ``sql/pipeline/funnel.sql`` → Chinese name.
FUNNEL_STEPS = {
    "recruited": "录用", "trained": "完成初任培训", "young_pool": "进入年轻公务员库",
    "two_type_pool": "进入两型干部库", "practised": "一线实践锻炼", "excellent": "至少一次优秀",
    "rank_promoted": "职级晋升", "leader_promoted": "提拔领导职务",
}


def promotion_events(con: duckdb.DuckDBPyConnection, *, first_year: int, last_year: int,
                     by: str = "age_group",
                     counties: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Promotions per year from ``first_year`` to ``last_year``, by a grouping.

    ``by`` is one of :data:`EVENT_GROUPS`: ``age_group`` (the rules' young age limit: 40岁以下 / 40岁及以上 by default, on 31 December),
    ``unit`` (of the new post; for rank promotions the main post held that day),
    ``entry_cohort`` or ``all``. Kinds (:data:`EVENT_KINDS`): ``leadership`` (F7 basis),
    ``rank`` (F9 basis), ``step_down`` (F8 basis). F7 and F9 of a year are the 40岁以下 rows of
    ``leadership`` and ``rank``, F8 the 40岁及以上 row of ``step_down``. ``counties`` (codes, on a
    combined database) keeps the promotions of those counties' persons; refused on a county's
    own database.

    Returns one row per (year, kind, group) with an event: ``year, kind, kind_label, grp,
    persons`` (distinct persons) and ``events``.
    """
    if by not in EVENT_GROUPS:
        raise ValueError(f"by must be one of {', '.join(EVENT_GROUPS)}, got {by!r}")
    first_year, last_year = int(first_year), int(last_year)
    if first_year > last_year:
        raise ValueError(f"first_year {first_year} is after last_year {last_year}")
    df = _frame(con, "promotion_events", {"first": first_year, "last": last_year, "by": by,
                                          "counties": _counties(con, counties)})
    df.insert(2, "kind_label", _query.text(df["kind"].map(EVENT_KINDS)))
    return _finish(df, con, first_year=first_year, last_year=last_year, by=by)


def funnel(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
           cohorts: int | Sequence[int] | None = None,
           counties: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The pipeline funnel per entry cohort on ``as_of`` (steps in :data:`FUNNEL_STEPS`).

    ``cohorts`` (entry years) defaults to those from the first year of the records on (on a
    combined database, of all its counties' records). ``counties`` (codes, on a combined
    database) keeps the persons of those counties.
    Steps are nested: each counts the persons who also passed every earlier step, so the
    counts never increase along a cohort. Returns one row per (cohort, step): ``cohort,
    step_no, step`` (Chinese), ``persons``, ``conversion`` (persons / previous step; NaN for
    the first step or an empty previous step) and ``share_of_recruited``.
    """
    as_of = _date(as_of)
    wide = _frame(con, "funnel", {"as_of": as_of, "cohorts": _default_cohorts(con, as_of, cohorts),
                                  "counties": _counties(con, counties)})
    long = wide.melt(id_vars="cohort", value_vars=list(FUNNEL_STEPS), var_name="key", value_name="persons")
    long["step_no"] = long["key"].map({k: i for i, k in enumerate(FUNNEL_STEPS, start=1)})
    long["step"] = _query.text(long["key"].map(FUNNEL_STEPS))
    long = long.sort_values(["cohort", "step_no"], ignore_index=True)
    long["persons"] = long["persons"].astype(int)
    prev = long.groupby("cohort")["persons"].shift(1)
    long["conversion"] = (long["persons"] / prev.where(prev > 0)).astype(float)
    first = long.groupby("cohort")["persons"].transform("first")
    long["share_of_recruited"] = (long["persons"] / first.where(first > 0)).astype(float)
    df = long[["cohort", "step_no", "step", "persons", "conversion", "share_of_recruited"]]
    return _finish(df, con, as_of=as_of)
