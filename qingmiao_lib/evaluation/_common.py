"""What every evaluation analysis shares: the Chinese names of their columns (:data:`COLUMNS`),
the age groups, the slice filters (``units``, ``counties`` — county codes of a combined
database —, ``age_group``, ``young``, ``entry_cohort`` / ``cohorts``) as bound parameters checked before any SQL runs, :func:`_run` and :func:`_yearly`,
which run ``sql/evaluation/<name>.sql`` and set ``attrs``, and whether the stored quarter masks
may be read (:func:`_quarters_stored`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from .. import _query, sql
from .._macros import ensure
from .._slice import check_counties
from ..db import QUARTER_MASK_YEARS, stored_current, stored_meta

#: Chinese names of the evaluation analyses' output columns (merged into ``labels.chinese``).
COLUMNS: dict[str, str] = {
    "group_key": "分组", "group_name": "分组名称", "sort_key": "排序", "grade": "等次",
    "graded": "定等人数", "unit_name": "单位名称", "excellent": "优秀人数", "cap": "优秀比例上限",
    "over_cap": "超过上限", "young_excellent": "其中年轻公务员",
    "young_share": "年轻公务员占比", "previous_grade": "上年等次", "quarters": "季度等次",
    "unit_excellent_share": "本单位优秀率", "jurisdiction_excellent_share": "全辖区优秀率",
    "current_run": "当前连续优秀年数", "longest_run": "最长连续优秀年数", "blocks": "应记三等功次数",
    "last_block_year": "最近应记功年度", "excellent_years": "优秀年数", "block_start": "连续优秀起始年度",
    "block_end": "应记功年度", "window_end": "记功截止日", "awarded_on": "奖励时间", "recorded": "已记功",
    "status": "记功状态", "reason": "事由", "quarter": "季度", "grades": "等次变化",
    "from_quarter": "起始季度", "good": "好", "fairly_good": "较好", "ordinary": "一般", "poor": "较差",
    "first_grade": "首季度等次", "last_grade": "末季度等次", "change": "升降", "declines": "下降次数",
    "good_quarters": "“好”的季度数", "group_persons": "组内人数", "tasks": "任务数", "rated": "有评价数",
    "ratings": "评价", "task_names": "任务", "annual_grade": "年度考核等次", "kind": "类别",
    "evidence": "依据", "evidence_date": "依据日期", "warnings": "预警数", "age_group": "年龄段",
    "age_from": "最小年龄", "rewards": "奖励次数", "exit_date": "退出时间", "problem": "问题",
}


def age_groups(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The age-group labels, youngest first (four bands tied to ``general.young_age_limit``;
    ``sql/evaluation/age_groups.sql``)."""
    ensure(con, sql.load("evaluation/age_groups"))
    return [r[0] for r in con.execute(sql.load("evaluation/age_groups")).fetchall()]


def _year_end(con, year: int, *, given: _query.Rules | None = None) -> dt.date:
    year = int(year)
    if not 1950 <= year <= 2100:
        raise ValueError(f"year must be between 1950 and 2100, got {year}")
    return _query.year_end(con, year, given=given)


#: The slice filters of the evaluation analyses.
_FILTERS = ("units", "counties", "age_group", "young", "cohorts")


def _slice(con, units, age_group, young, entry_cohort, cohorts=None, counties=None, *,
           by: str | None = None) -> dict:
    """The slice filters as bound parameters (:class:`qingmiao_lib._query.Slice`), validated
    before any SQL runs; ``entry_cohort`` is the old spelling of ``cohorts``. A county filter, or
    ``by="county"``, only on a combined database (:func:`qingmiao_lib._slice.check_counties`)."""
    cut = _query.Slice.of({"units": units, "counties": counties, "age_group": age_group, "young": young,
                           "cohorts": cohorts, "entry_cohort": entry_cohort}, _FILTERS, stacklevel=5)
    if cut.age_group is not None and cut.age_group not in age_groups(con):
        raise ValueError(f"unknown age_group {age_group!r}; one of {age_groups(con)}")
    check_counties(con, cut.counties, dimension=by == "county")
    return {k: v for k, v in cut.params().items() if k in _FILTERS}


#: Text columns repeated down a long list (one unit per many persons, a few thousand grade
#: sequences per million persons): each distinct string is made once.
_REPEATED = frozenset(("unit_id", "unit_name", "grades"))


def _run(con, name: str, params: dict, *, stored: bool | None = None, given: _query.Rules | None = None,
         **attrs) -> pd.DataFrame:
    """``sql/evaluation/<name>.sql`` as a frame (:func:`qingmiao_lib._query.run`); the quarter
    masks read from the stored table when ``stored``, from the grade rows when False; None: the
    query reads no quarter masks (their names are left as they point)."""
    with _query.reading(con, "evaluation/quarters", when=stored) if stored is not None \
            else contextlib.nullcontext():
        df = _query.run(con, f"evaluation/{name}", params, repeated=_REPEATED)
    df.attrs.update({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in attrs.items()},
                    rules_version=(given or _query.rules(con)).version)
    return df


def _yearly(con, name, year, first_year=None, extra=None, stored=None, **filters) -> pd.DataFrame:
    """Run a query taking $year, $as_of (31 Dec of year), $first_year and the slice filters."""
    given = _query.rules(con)                  # read once for the date and the attrs
    as_of = _year_end(con, year, given=given)
    params = {"year": int(year), "as_of": as_of,
              **_slice(con, **_slice_kw(**filters), by=(extra or {}).get("by")), **(extra or {})}
    if first_year is not None:
        params["first_year"] = int(first_year)
    return _run(con, name, params, stored=stored, given=given, year=int(year), as_of=as_of)


#: The longest range (years) the quarter-mask queries hold (60 quarters in a 64-bit mask).
_MASK_YEARS = 15


def _quarters_stored(con, origin: int, last_year: int) -> bool:
    """May the quarter masks of ``origin`` … ``last_year`` come from the stored masks (table
    ``quarter_masks``, written by :func:`qingmiao_lib.db.refresh_snapshots`)? Only when the table
    exists, the stamp stored with it still matches ``regular_assessments``
    (``sql/snapshots/quarter_stamp.sql``) and the range lies in its 16 years."""
    try:
        base = int(stored_meta(con, "quarter_masks_base"))
    except (TypeError, ValueError):     # not set, or not a year
        base = None
    return (base is not None and base <= origin and last_year <= base + QUARTER_MASK_YEARS - 1
            and stored_current(con, "quarter_masks", "quarter_stamp"))


def _slice_kw(units=None, age_group=None, young=None, entry_cohort=None, cohorts=None,
              counties=None) -> dict:
    return {"units": units, "age_group": age_group, "young": young, "entry_cohort": entry_cohort,
            "cohorts": cohorts, "counties": counties}


Units = Sequence[str] | None
