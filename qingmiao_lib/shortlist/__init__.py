"""The quota-constrained shortlist for rank promotion (SPEC §9 *Places*, *Shortlist*; issue 21):
per next rank, the places (quota − holders), the candidates meeting the personal conditions in the
order of the 三优先, the first ``places`` of them suggested (建议人选), the rest alternates (备选);
and a what-if: quota use after a list of promotions.

The order (rules ``[shortlist]``, ``sql/shortlist/ranked.sql``): the 三优先 of the seed article's
"一推三审三优先", in the order ``priorities`` lists them, then 优秀 years in the tenure (more
first), counted tenure (longer first), age (``older_first``) and, so the order is total,
``person_id``. Candidates whose every criterion is equal share a 名次 (``place_rank``); where
such a tie straddles the cut (``tied_at_cut``), the list says the choice is the committee's.

What the records can and cannot say — the readings taken here:

- **Heavy-task years** (多年在任务繁重岗位): the calendar years with an 急难险重 task started
  (``special_tasks``, which carry a start date only, so years are counted, not months) or a
  posting to a task-force programme (``heavy_task_programs``: 营商环境专班, 主题教育) touching the
  year; both up to ``as_of``, over the whole career.
- **Frontline years** (长期扎根一线): whole years of full months in posts at units of the
  ``frontline_unit_kinds`` (乡镇街道) and postings to ``frontline_programs`` (驻村帮扶, 千万工程 —
  the village and rural-revitalisation postings; there is no separate 乡村振兴 record), overlaps
  counted once. Whole years, so a few months do not outrank the criteria after it. A unit counts
  by its own kind (a township's 司法所 filed as 市直机关 is not frontline).
- **Leaving a leadership post** (因组织需要退出领导岗位): the records hold no reason for a post's
  end, so: a post above 无 ended within ``left_leadership_window_months`` before ``as_of``, no post
  at that level or above held on ``as_of``, and no 组织处理 / 处分 (``left_leadership_excluded``)
  around it. A yes/no criterion.
- **Places**: per next rank, the jurisdiction's quota of ``year(as_of)`` and a unit's where a
  quota names it, holders by the unit of the main post on ``as_of`` (as the eligibility counts
  them). Suggested: a unit's first ``unit places`` pass its unit, and of those passing, the
  first jurisdiction ``places`` are suggested — what taking the candidates one by one in order
  against every quota gives. No quota set for a rank: the candidates are ordered, none suggested.
- **Filters**: ``units`` and ``rank`` only choose the rows shown; the order and the verdicts are
  the jurisdiction's. ``recommendations`` (the 一推) narrow the candidates themselves.
- **A county of a combined database** (``counties=``, issue 23): the jurisdiction is that county,
  as its own database has it — only its persons compete and hold ranks, its units' quotas apply,
  and its quotas over its whole jurisdiction come from the table ``county_quotas`` (a combined
  database keeps none in ``quotas``, so without a county nobody is suggested against a
  jurisdiction quota). One county at a time: each county's quotas are its own, so each is a
  competition of its own, and stacked rows of several could not say whose 全辖区 row or
  position they are (:func:`._common._county` refuses several in one line). The stored pool
  serves a county too: a person's row in it never depends on the jurisdiction (the personal
  conditions read no quota), and the county is taken from it by ``county_of(person_id)``.

**Speed** (issue 21): on a 31 December :func:`qingmiao_lib.db.refresh_snapshots` stored, each
active person's eligibility verdict and the candidates' measures are read from one stored row
(table ``shortlist_pool``, :mod:`._stored`); other dates are computed from the records.

For the report (展望 section): :func:`shortlist_summary` gives the headline per rank and scope
(个人条件符合 N · 职数空缺 M · 建议人选 K · 备选 B) from small frames; :func:`shortlist` the list
with reasons (names masked unless ``unmasked``); :func:`what_if` quota use after promotions
(:mod:`._what_if`; the frames' shared stamp in :mod:`._common`).

>>> import datetime as dt, qingmiao_lib as qm
>>> con = qm.connect("data/qingmiao.duckdb")                                  # doctest: +SKIP
>>> from qingmiao_lib import shortlist as sl
>>> sl.shortlist_summary(con, as_of=dt.date(2024, 12, 31))                      # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from .. import _query, outlook, sql
from ..db import install_once
from ..privacy import mask_names
from ..rules import RANKS
from . import _stored
from ._common import _county, _date, _finish
from ._common import priorities as priorities  # re-exported: shortlist.priorities
from ._lists import read_person_list
from ._what_if import what_if

__all__ = ["COLUMNS", "CRITERIA", "CRITERIA_NAMES", "check_recommendations", "install_macros", "read_person_list",
           "POOL_YEARS", "shortlist", "shortlist_summary", "store_pool", "what_if"]

#: The 三优先 a rules file may list in ``shortlist.priorities``, with their Chinese names.
CRITERIA_NAMES = {"heavy_tasks": "任务繁重岗位", "frontline": "一线工作", "left_leadership": "因组织需要退出领导岗位"}

#: Every ordering criterion's column → (its reason column, Chinese name): the 三优先 (in the
#: rules' order), then those SPEC §9 fixes.
CRITERIA = {
    "heavy_years": ("heavy_reason", "任务繁重岗位"), "frontline_years": ("frontline_reason", "一线工作"),
    "left_leadership": ("left_reason", "因组织需要退出领导岗位"),
    "excellent_years": ("excellent_reason", "一贯表现（优秀年度）"),
    "tenure_months": ("tenure_reason", "任职年限"), "age": ("age_reason", "年龄"),
}

#: Chinese names of this module's output columns.
COLUMNS: dict[str, str] = {
    "person_id": "人员编号", "name": "姓名", "unit_id": "单位代码", "unit_name": "单位",
    "current_rank": "现职级", "next_rank": "拟晋升职级", "position": "排序", "place_rank": "名次",
    "place_text": "名次", "suggested": "建议人选", "status": "结论", "tied_at_cut": "分界处并列",
    "heavy_years": "任务繁重岗位年度数", "heavy_tasks": "急难险重任务项数",
    "heavy_months": "任务繁重岗位月数", "heavy_reason": "任务繁重岗位",
    "frontline_years": "一线工作年数", "frontline_months": "一线工作月数",
    "frontline_reason": "一线工作", "left_leadership": "因组织需要退出领导岗位",
    "left_level": "原领导职务层次", "left_on": "退出领导岗位时间", "left_reason": "退出领导岗位",
    "excellent_years": "任职年限内优秀年度数", "excellent_reason": "一贯表现",
    "tenure_months": "任职年限（月）", "tenure_basis": "年限依据", "tenure_reason": "任职年限",
    "birth_date": "出生年月", "age": "年龄", "age_reason": "年龄情况", "retirement_date": "法定退休日期",
    "quota": "职数", "holders": "现有人数", "places": "职数空缺", "unit_quota": "本单位职数",
    "unit_holders": "本单位现有人数", "unit_places": "本单位职数空缺",
    "rank": "职级", "rank_step": "职级序号", "candidates": "个人条件符合", "alternates": "备选",
    "year": "年度", "promoted_in": "晋升进入", "promoted_out": "晋升转出",
    "holders_after": "晋升后人数", "places_before": "晋升前空缺", "places_after": "晋升后空缺",
    "over_quota": "超职数", "entry": "序号", "reasons": "原因", "from_rank": "现职级",
    "to_rank": "拟晋升职级", "problem": "问题",
}

_MACROS = ("heavy", "frontline", "left_leadership", "pool", "ranked")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the shortlist's table macros (``sql/shortlist/{heavy,frontline,left_leadership,
    pool,ranked}.sql``) on ``con``, once per connection, with the statutory retirement macros
    they read (:func:`qingmiao_lib.outlook.install_macros`)."""
    outlook.install_macros(con)
    for name in _MACROS:
        install_once(con, f"shortlist_{name}", sql.load(f"shortlist/{name}"))


#: How many of the latest year ends the base layer is stored on also hold the shortlist's pool
#: (the shortlist is asked for the coming promotions; each year end costs ~5 s of CPU at 1M persons).
POOL_YEARS = 5

#: Where the queries of a ``with`` block read from (:func:`._stored.sources`).
_sources = _stored.sources


def store_pool(con: duckdb.DuckDBPyConnection, *, days: Sequence[dt.date]) -> None:
    """Store the shortlist's pool on ``days`` (table ``shortlist_pool``, stamped in ``meta``):
    called by :func:`qingmiao_lib.db.refresh_snapshots` with the latest :data:`POOL_YEARS` year
    ends it stores, so the shortlist on those dates reads one stored row per person
    (:mod:`._stored`)."""
    install_macros(con)
    _stored.store(con, days=days)


def _rank(rank: str | None) -> str | None:
    if rank is not None and rank not in RANKS:
        raise ValueError(f"rank must be one of {', '.join(RANKS)}, got {rank!r}")
    return rank


def _ids(values: Sequence[str] | None) -> list[str] | None:
    """Person ids as given, stripped, without repeats (the first kept); None stays None."""
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    return list(dict.fromkeys(str(v).strip() for v in values))


def _units(units: str | Sequence[str] | None) -> list[str] | None:
    if units is None:
        return None
    return [units] if isinstance(units, str) else [str(u) for u in units]


def shortlist(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, rank: str | None = None,
              units: str | Sequence[str] | None = None,
              recommendations: Sequence[str] | None = None, unmasked: bool = False,
              counties: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The shortlist for rank promotion on ``as_of``, in order, with a Chinese reason per criterion.

    Parameters
    ----------
    as_of
        The date of the eligibility, the holders and the criteria; the quotas of its year.
    rank
        Only the candidates for this next rank (one of :data:`qingmiao_lib.rules.RANKS`).
    units
        Only the candidates of these units (unit ids; the main post on ``as_of``). A filter of
        the rows shown: positions and verdicts stay those of the whole competition.
    recommendations
        The units' recommendations (一推): person ids; only they can be candidates. None: every
        qualified person is a candidate. :func:`check_recommendations` says why a listed person
        is not one.
    unmasked
        Full names (default masked, 张*明).
    counties
        One county code of a combined database (refused on a county's own database, and for
        several: one county at a time): that county's competition, as its own database gives it —
        its candidates, places against its units' and its jurisdiction quotas (``county_quotas``)
        and its holders, order and reasons.

    Returns
    -------
    pandas.DataFrame
        One row per candidate, by next rank then ``position``: ``person_id, name, unit_id,
        unit_name, current_rank, next_rank, position`` (1.. within the rank), ``place_rank`` (名次:
        equal criteria share it), ``place_text``, ``suggested``, ``status`` (建议人选, or 备选 and
        why), ``tied_at_cut``, then per criterion its value(s) and its reason: ``heavy_years,
        heavy_tasks, heavy_months, heavy_reason, frontline_years, frontline_months,
        frontline_reason, left_leadership, left_level, left_on, left_reason, excellent_years,
        excellent_reason, tenure_months, tenure_basis, tenure_reason, birth_date, age,
        age_reason``, ``retirement_date`` (statutory; ``status`` says so when it falls within 12
        months of ``as_of``), and the quota figures ``quota, holders, places, unit_quota, unit_holders,
        unit_places``. ``attrs``: ``as_of``, ``rules_version``, ``priorities`` (the order used).
    """
    as_of = _date(as_of)
    install_macros(con)
    with _sources(con, as_of):
        df = _query.run(con, "shortlist/list", {
            "as_of": as_of, "recommended": _ids(recommendations), "rank": _rank(rank), "units": _units(units),
            **_county(con, counties, as_of)})
    df = df.drop(columns=["next_step"])
    for col in ("suggested", "tied_at_cut", "left_leadership"):
        df[col] = df[col].astype(bool)
    if not unmasked:
        df["name"] = mask_names(df["name"])
    return _finish(df, con, as_of=as_of, rank=rank, unmasked=bool(unmasked),
                   recommendations=None if recommendations is None else len(_ids(recommendations)))


def shortlist_summary(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, rank: str | None = None,
                      recommendations: Sequence[str] | None = None,
                      counties: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The shortlist's headline per next rank and quota scope: 个人条件符合 N · 职数空缺 M ·
    建议人选 K · 备选 B (the same ordering and verdicts as :func:`shortlist`).

    Returns one row per next rank with a candidate or a quota in ``year(as_of)``, and scope — the
    jurisdiction (``unit_id`` None, ``unit_name`` 全辖区) always, a unit where a quota names it:
    ``rank, rank_step, unit_id, unit_name, quota`` (NA: none set), ``holders, places`` (M; NA
    when no quota), ``candidates`` (N), ``suggested`` (K), ``alternates`` (B = N − K),
    ``tied_at_cut`` (candidates in a tie across a cut). Counts of persons: a report showing it
    to a wide audience applies its small-cell rule. ``counties``: one county of a combined
    database, its headline as its own database gives it (as in :func:`shortlist`).
    """
    as_of = _date(as_of)
    install_macros(con)
    with _sources(con, as_of):
        df = _query.run(con, "shortlist/summary", {
            "as_of": as_of, "recommended": _ids(recommendations), "rank": _rank(rank),
            **_county(con, counties, as_of)})
    return _finish(df, con, as_of=as_of, rank=rank)


def check_recommendations(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                          recommendations: Sequence[str], unmasked: bool = False,
                          counties: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The recommended persons (一推) who cannot be candidates on ``as_of``, and why: one row per
    such listed id, in the order given: ``entry, person_id, name`` (masked unless ``unmasked``),
    ``unit_id, current_rank, next_rank, reasons`` (人员编号不存在, 该日不在职, or the
    eligibility's failed conditions). Empty when every listed person is a candidate.
    ``counties``: one county of a combined database, answered as its own database would (a
    person of another county is 人员编号不存在; a full quota is that county's)."""
    as_of = _date(as_of)
    install_macros(con)     # the pool's switch (_stored.reading) points back at shortlist_pool_live
    with _sources(con, as_of):
        df = _query.run(con, "shortlist/recommendations",
                        {"as_of": as_of, "ids": _ids(recommendations) or [], **_county(con, counties, as_of)})
    if not unmasked:
        df["name"] = mask_names(df["name"])
    return _finish(df, con, as_of=as_of)
