"""Cohort structure: who is in the pipeline on a date, in any slice (SPEC §1 item 1).

Every function takes the connection first, then keyword-only dates and slice filters, and
returns a DataFrame with a stated grain whose ``attrs`` carry ``as_of`` (or the years),
``rules_version`` and ``young_limit`` (the rules' young age limit, for labels). Everything is
computed in SQL over the base layer ``person_snapshot``.

Slice filters (all optional, all bound as query parameters, spelt as in every area:
:class:`qingmiao_lib._query.Slice`): ``units`` (unit ids), ``unit_kinds`` (市直机关/乡镇街道/其他),
``genders``, ``educations``, ``cohorts`` (entry years), ``pool`` (年轻公务员库/两型干部库),
``young`` and ``first_five`` (True/False). A filter takes one value or a list of values. The old
spellings ``unit_kind``, ``gender``, ``education`` and ``entry_cohort`` still work, with a
DeprecationWarning.

>>> import qingmiao_lib as qm
>>> con = qm.connect("data/qingmiao.duckdb")                                  # doctest: +SKIP
>>> qm.structure.headcount(con, as_of=dt.date(2023, 12, 31), by=["unit_kind", "gender"])  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TypedDict, Unpack

import duckdb
import numpy as np
import pandas as pd

from . import _query, sql
from .db import install_once
from .privacy import mask_name

#: Chinese names of this module's output columns (merged into ``labels.chinese``).
COLUMNS: dict[str, str] = {
    "age_band": "年龄段", "generation": "年代", "political_status": "政治面貌",
    "entry_channel": "进入方式", "entry_year": "录用年份", "unit_name": "单位", "pool": "人才库",
    "year": "年度", "as_of": "统计时点", "size_start": "年初人数", "entries": "入库",
    "exits": "出库", "size": "年末人数", "median_months": "在库时长中位数（月）",
    "median_months_exited": "出库者在库时长中位数（月）", "exit_reason": "出库原因",
    "leader_posts": "领导职务人数", "ke_deputy_posts": "乡科级副职", "ke_chief_posts": "乡科级正职",
    "county_posts": "县处级", "young_ke_deputy": "年轻乡科级副职", "young_ke_chief": "年轻乡科级正职",
    "young_county": "年轻县处级", "young_senior_rank": "年轻四级主任科员及以上",
    "young_reserve": "年轻后备力量", "reserve_per_post": "每个领导职务的年轻后备",
    "leaders_avg_age": "领导班子平均年龄", "gap_ke": "缺年轻乡科级", "gap_rank": "缺年轻四级主任科员及以上",
    "gap": "缺口", "is_total": "合计行", "avg_age": "平均年龄", "avg_service_years": "平均工龄",
    "avg_party_years": "平均党龄", "share_young": "年轻公务员占比", "share_bachelor_plus": "本科及以上占比",
    "share_women": "女性占比", "pool_status": "人才库",
}

#: The allowlist of dimensions: public name → (output column, needs post/rank/pool history). Each
#: one's label and sort key (``sort_<name>``) are columns of the dims CTE of
#: ``sql/structure/headcount.sql`` and ``over_time.sql`` (rules in ``sql/structure/dimensions.sql``);
#: the chosen names are bound as a list, never pasted into the SQL.
DIMENSIONS: dict[str, tuple[str, bool]] = {
    "age_band": ("age_band", False),
    "generation": ("generation", False),
    "gender": ("gender", False),
    "education": ("education", False),
    "political_status": ("political_status", False),
    "entry_channel": ("entry_channel", False),
    "entry_year": ("entry_year", False),
    "unit": ("unit_name", True),
    "unit_kind": ("unit_kind", True),
    "rank": ("rank", True),
    "level": ("level", True),
    "pool": ("pool_status", True),
    "young": ("young", False),
    "first_five": ("first_five", False),
}

#: The birth-year generations of the ``generation`` dimension, oldest first.
GENERATIONS = ("70前", "70后", "80后", "85后", "90后", "95后", "00后")
#: The ``pool`` dimension's values, in the order its sort key gives.
POOL_STATUSES = ("两库均在", "年轻公务员库", "两型干部库", "未入库")
POOLS = _query.POOLS
UNIT_KINDS = _query.UNIT_KINDS
#: The lowest rank that counts as senior in the bench-strength gap list (issue 4).
GAP_RANK = "四级主任科员"


class Slice(TypedDict, total=False):
    """The slice filters every structure function accepts (see the module docstring); the old
    spellings ``unit_kind``, ``gender``, ``education`` and ``entry_cohort`` are still accepted,
    with a DeprecationWarning."""

    units: str | Sequence[str] | None
    unit_kinds: str | Sequence[str] | None
    genders: str | Sequence[str] | None
    educations: str | Sequence[str] | None
    cohorts: int | Sequence[int] | None
    pool: str | None
    young: bool | None
    first_five: bool | None
    unit_kind: str | Sequence[str] | None
    gender: str | Sequence[str] | None
    education: str | Sequence[str] | None
    entry_cohort: int | Sequence[int] | None


#: The filters of a structure slice (:class:`qingmiao_lib._query.Slice`).
SLICE_FILTERS = ("units", "unit_kinds", "genders", "educations", "cohorts", "pool", "young", "first_five")


def _slice_params(filters: dict, allowed: Iterable[str] = SLICE_FILTERS) -> dict:
    """The filters as bound parameters (NULL = no filter); unknown names and values refused,
    old spellings accepted with a DeprecationWarning."""
    return _query.Slice.of(filters, tuple(allowed)).params()


def _dimensions(by: str | Sequence[str]) -> list[str]:
    """The chosen dimensions, checked against the allowlist before any SQL is built."""
    by = [by] if isinstance(by, str) else list(by)
    bad = [d for d in by if d not in DIMENSIONS]
    if bad:
        raise ValueError(f"unknown dimension(s) {', '.join(map(str, bad))}; allowed: {', '.join(DIMENSIONS)}")
    if len(set(by)) != len(by):
        raise ValueError(f"a dimension is repeated in {by}")
    return by


def _grouped(con, name: str, params: dict, by: list[str], lead: Sequence[str] = ()) -> pd.DataFrame:
    """``sql/structure/<name>.sql`` grouped by the dimensions ``by`` (checked by
    :func:`_dimensions`): the dims CTE's columns of their labels and sort keys are bound as
    ``$dims``; the rows are ordered by ``lead`` then the sort keys in the order of ``by``, which
    are then dropped."""
    labels = [DIMENSIONS[d][0] for d in by]
    keys = [f"sort_{d}" for d in by]
    install_once(con, "structure/dimensions", sql.load("structure/dimensions"))
    # the sort keys that are ENUMs sort in their order, as categoricals
    df = _query.run(con, f"structure/{name}", {**params, "dims": labels + keys or ["all_persons"]}, categories=keys)
    if not by and not lead and df.empty:      # no dimension: one row, the slice's headcount (0)
        df = pd.DataFrame({"all_persons": [True], "persons": np.zeros(1, dtype=np.int64)})
    if [*lead, *keys]:
        df = df.sort_values([*lead, *keys], kind="stable", na_position="last", ignore_index=True)
    lead_columns = [c for c in df.columns if c not in (*labels, *keys, "all_persons", "persons")]
    return df[[*lead_columns, *labels, "persons"]]


def _finish(df: pd.DataFrame, con, **attrs) -> pd.DataFrame:
    """``attrs``: the dates as ISO text, the rules version and the young age limit (which the
    labels and charts name: "35岁以下")."""
    r = _query.rules(con)
    df.attrs.update({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in attrs.items()},
                    rules_version=r.version, young_limit=r.young_limit)
    return df


def headcount(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, by: str | Sequence[str] = (),
              **filters: Unpack[Slice]) -> pd.DataFrame:
    """Active persons on ``as_of`` by any combination of the dimensions in :data:`DIMENSIONS`.

    Returns one row per combination present (one row when ``by`` is empty): one column per
    dimension (``unit`` gives ``unit_name``; ``pool`` gives ``pool_status``: 年轻公务员库 /
    两型干部库 / 两库均在 / 未入库, so the rows partition the headcount) and ``persons``.

    >>> headcount(con, as_of=dt.date(2023, 12, 31), by=["generation", "gender"], unit_kinds="乡镇街道")  # doctest: +SKIP
    """
    by = _dimensions(by)
    params = {"as_of": as_of, **_slice_params(filters)}
    df = _grouped(con, "headcount", params, by)
    return _finish(df, con, as_of=as_of, by=by)


def roster(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, unmasked: bool = False,
           **filters: Unpack[Slice]) -> pd.DataFrame:
    """The 干部名册 (cadre roster) of a slice on ``as_of``: one row per active person, ordered by
    unit, post level and rank (highest first), then entry date — birth date and age, education,
    party status and date, work start, entry, post title and level, rank and whole years in it,
    pool memberships. Names are masked (张*明) unless ``unmasked=True``.

    >>> roster(con, as_of=dt.date(2023, 12, 31), unit_kinds="乡镇街道")            # doctest: +SKIP
    """
    params = {"as_of": as_of, **_slice_params(filters)}
    df = _query.run(con, "structure/roster", params)
    if not unmasked:
        df["name"] = _query.text(df["name"].map(mask_name))
    return _finish(df, con, as_of=as_of)


def age_pyramid(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, band_years: int = 5,
                young_only: bool = False, **filters: Unpack[Slice]) -> pd.DataFrame:
    """Active persons by age band and gender on ``as_of`` (of a slice).

    Returns one row per (age band, gender) present: ``band_start``, ``band_end``, ``band``
    (a label such as ``"30–34岁"``), ``gender`` and ``persons``. ``band_years`` is the width
    of a band (1 gives single years); ``young_only`` keeps the young only.

    >>> age_pyramid(con, as_of=dt.date(2023, 12, 31), young_only=True, unit_kinds="乡镇街道")  # doctest: +SKIP
    """
    band_years = int(band_years)
    if not 1 <= band_years <= 20:
        raise ValueError(f"band_years must be between 1 and 20, got {band_years}")
    params = {"as_of": as_of, "band_years": band_years, "young_only": bool(young_only),
              **_slice_params(filters)}
    df = _query.run(con, "structure/age_pyramid", params)
    df.insert(2, "band", _query.text([
        f"{s}岁" if s == e else f"{s}–{e}岁" for s, e in zip(df["band_start"], df["band_end"], strict=True)
    ]))
    return _finish(df, con, as_of=as_of)


def over_time(con: duckdb.DuckDBPyConnection, *, first_year: int, last_year: int,
              by: str | Sequence[str] = (), **filters: Unpack[Slice]) -> pd.DataFrame:
    """:func:`headcount` on 31 December of every year from ``first_year`` to ``last_year``, in
    one query.

    Returns one row per (year, combination present): ``year``, ``as_of``, the dimension
    columns and ``persons``.

    >>> over_time(con, first_year=2016, last_year=2025, by="generation")  # doctest: +SKIP
    """
    by = _dimensions(by)
    first_year, last_year = int(first_year), int(last_year)
    if not 0 <= last_year - first_year <= 60:
        raise ValueError(f"a range of 1 to 61 years is needed, got {first_year}–{last_year}")
    params = {"first_year": first_year, "last_year": last_year, **_slice_params(filters)}
    history = any(DIMENSIONS[d][1] for d in by) or any(
        params[k] is not None for k in ("units", "unit_kinds", "pool"))
    stored = con.execute(sql.load("structure/stored_years"),
                         {"first_year": first_year, "last_year": last_year}).fetchall()[0][0]
    # every year-end stored: read the stored base layer; else derive (history joins only when a
    # dimension or filter needs ranks, posts or pools)
    series = ("stored" if stored == last_year - first_year + 1 else "live" if history else "persons")
    with _query.reading(con, "structure/series", series):
        df = _grouped(con, "over_time", params, by, lead=("year",))
    df["as_of"] = pd.to_datetime(df["as_of"]).dt.date
    return _finish(df, con, first_year=first_year, last_year=last_year, by=by)


_POOL_FILTERS = ("pool", "genders", "educations", "cohorts")


def pool_dynamics(con: duckdb.DuckDBPyConnection, *, first_year: int, last_year: int,
                  **filters: Unpack[Slice]) -> pd.DataFrame:
    """Each talent pool's size on 31 December, entries, exits and median time in the pool, per
    year (zeros included): ``size = size_start + entries - exits`` on every row.

    Filters: ``pool``, ``gender``, ``education``, ``entry_cohort`` (attributes that do not change
    while a person is in a pool, so flows and sizes stay consistent from year to year).

    Returns one row per (pool, year): ``pool``, ``year``, ``as_of``, ``size_start``, ``entries``,
    ``exits``, ``size``, ``median_months``, ``median_months_exited``.
    """
    params = _pool_params(first_year, last_year, filters)
    df = _query.run(con, "structure/pool_dynamics", params)
    df["as_of"] = pd.to_datetime(df["as_of"]).dt.date
    return _finish(df, con, first_year=params["first_year"], last_year=params["last_year"])


def pool_exits(con: duckdb.DuckDBPyConnection, *, first_year: int, last_year: int,
               **filters: Unpack[Slice]) -> pd.DataFrame:
    """The exits of :func:`pool_dynamics` split by exit reason: one row per (pool, year, reason)
    with an exit: ``pool``, ``year``, ``exit_reason`` (未注明 when none recorded), ``exits``."""
    params = _pool_params(first_year, last_year, filters)
    df = _query.run(con, "structure/pool_exits", params)
    return _finish(df, con, first_year=params["first_year"], last_year=params["last_year"])


def _pool_params(first_year: int, last_year: int, filters: dict) -> dict:
    first_year, last_year = int(first_year), int(last_year)
    if not 0 <= last_year - first_year <= 60:
        raise ValueError(f"a range of 1 to 61 years is needed, got {first_year}–{last_year}")
    p = _slice_params(filters, _POOL_FILTERS)
    return {"first_year": first_year, "last_year": last_year, "pool": p["pool"],
            "genders": p["genders"], "educations": p["educations"], "cohorts": p["cohorts"]}


def bench_strength(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                   units: str | Sequence[str] | None = None,
                   unit_kind: str | Sequence[str] | None = None,
                   gap_rank: str = GAP_RANK, unit_kinds: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Bench strength (梯队) per unit on ``as_of``: leadership posts held (by level) against the
    unit's young people by level and rank, the leadership's average age, and the gaps.

    Returns one row per unit with someone in post: ``unit_id``, ``unit_name``, ``unit_kind``,
    ``persons``, ``young``, ``leader_posts``, ``ke_deputy_posts``, ``ke_chief_posts``,
    ``county_posts``, ``young_ke_deputy``, ``young_ke_chief``, ``young_county``,
    ``young_senior_rank`` (young at ``gap_rank`` or above), ``young_reserve`` (young holding a
    leadership post or a senior rank), ``reserve_per_post``, ``leaders_avg_age``, ``gap_ke``
    (no young person at 乡科级) and ``gap_rank``.
    """
    p = _slice_params({"units": units, "unit_kinds": unit_kinds, "unit_kind": unit_kind})
    df = _query.run(con, "structure/bench_strength", {
        "as_of": as_of, "units": p["units"], "unit_kinds": p["unit_kinds"], "gap_rank": gap_rank,
    })
    return _finish(df, con, as_of=as_of, gap_rank=gap_rank)


def bench_gaps(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
               units: str | Sequence[str] | None = None,
               unit_kind: str | Sequence[str] | None = None,
               gap_rank: str = GAP_RANK, unit_kinds: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The units of :func:`bench_strength` with no young person at 乡科级 or none at
    ``gap_rank`` or above: the same columns plus ``gap`` (the gaps in words), one row per unit."""
    df = bench_strength(con, as_of=as_of, units=units, unit_kinds=_query.Slice.of(
        {"unit_kinds": unit_kinds, "unit_kind": unit_kind}, ("unit_kinds",), stacklevel=3).unit_kinds,
        gap_rank=gap_rank)
    out = df[df["gap_ke"] | df["gap_rank"]].reset_index(drop=True)
    out["gap"] = _query.text([
        "；".join(t for t, on in (("无年轻乡科级干部", k), (f"无年轻的{gap_rank}及以上职级", r)) if on)
        for k, r in zip(out["gap_ke"], out["gap_rank"], strict=True)
    ])
    out.attrs = dict(df.attrs)
    return out


def unit_comparison(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                    **filters: Unpack[Slice]) -> pd.DataFrame:
    """The unit comparison table on ``as_of``: per unit headcount, average age, 工龄 and 党龄
    (full years), % young, % 本科 and above, % women; the slice's total on the last row.

    Returns one row per unit with someone in the slice (``unit_id`` missing: active persons
    without a post), then the total row (``is_total`` True; ``unit_name`` 全辖区, or 合计 when
    units are filtered). Shares are fractions 0–1.
    """
    params = {"as_of": as_of, **_slice_params(filters)}
    df = _query.run(con, "structure/unit_comparison", params)
    filtered = params["units"] is not None or params["unit_kinds"] is not None
    df.loc[df["is_total"], "unit_name"] = "合计" if filtered else "全辖区"
    df.loc[~df["is_total"] & df["unit_id"].isna(), "unit_name"] = "无在任职务"
    return _finish(df, con, as_of=as_of)
