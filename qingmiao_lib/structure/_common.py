"""What every structure analysis shares: the Chinese names of their columns (:data:`COLUMNS`), the
allowlist of dimensions and their values, the slice filters (:class:`Slice`) as bound parameters,
:func:`_grouped`, which runs a query grouped by chosen dimensions and orders it, and
:func:`_finish`, which sets ``attrs``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TypedDict

import numpy as np
import pandas as pd

from .. import _query, sql
from .._slice import check_counties
from ..db import install_once

#: Chinese names of the structure analyses' output columns (merged into ``labels.chinese``).
COLUMNS: dict[str, str] = {
    "age_band": "年龄段", "generation": "年代", "political_status": "政治面貌",
    "entry_channel": "进入方式", "entry_year": "录用年份", "unit_name": "单位", "pool": "人才库",
    "as_of": "统计时点", "size_start": "年初人数", "entries": "入库",
    "exits": "出库", "size": "年末人数", "median_months": "在库时长中位数（月）",
    "median_months_exited": "出库者在库时长中位数（月）", "exit_reason": "出库原因",
    "leader_posts": "领导职务人数", "ke_deputy_posts": "乡科级副职", "ke_chief_posts": "乡科级正职",
    "county_posts": "县处级", "young_ke_deputy": "年轻乡科级副职", "young_ke_chief": "年轻乡科级正职",
    "young_county": "年轻县处级", "young_senior_rank": "年轻四级主任科员及以上",
    "young_reserve": "年轻后备力量", "reserve_per_post": "每个领导职务的年轻后备",
    "leaders_avg_age": "领导班子平均年龄", "gap_ke": "缺年轻乡科级", "gap_rank": "缺年轻四级主任科员及以上",
    "gap": "缺口", "is_total": "合计行", "avg_age": "平均年龄", "avg_service_years": "平均工龄",
    "avg_party_years": "平均党龄", "share_young": "年轻公务员占比", "share_bachelor_plus": "本科及以上占比",
    "share_women": "女性占比", "pool_status": "人才库", "county": "县",
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

#: The county dimension (issue 23; its label and sort key ``county_of(person_id)`` are columns of
#: the same dims CTEs): a combined database's only, so it is kept out of :data:`DIMENSIONS`, the
#: dimensions every database offers (widgets and charts list them), and accepted by ``by`` beside
#: them — refused on a county's own database (:func:`_slice_params`).
COUNTY_DIMENSION: dict[str, tuple[str, bool]] = {"county": ("county", False)}
#: Every name ``by`` accepts.
BY: dict[str, tuple[str, bool]] = {**DIMENSIONS, **COUNTY_DIMENSION}

#: The birth-year generations of the ``generation`` dimension, oldest first.
GENERATIONS = ("70前", "70后", "80后", "85后", "90后", "95后", "00后")
#: The ``pool`` dimension's values, in the order its sort key gives.
POOL_STATUSES = ("两库均在", "年轻公务员库", "两型干部库", "未入库")
POOLS = _query.POOLS
UNIT_KINDS = _query.UNIT_KINDS


class Slice(TypedDict, total=False):
    """The slice filters every structure function accepts (see :mod:`qingmiao_lib.structure`); the old
    spellings ``unit_kind``, ``gender``, ``education`` and ``entry_cohort`` are still accepted,
    with a DeprecationWarning."""

    units: str | Sequence[str] | None
    counties: str | Sequence[str] | None
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
SLICE_FILTERS = ("units", "counties", "unit_kinds", "genders", "educations", "cohorts", "pool", "young", "first_five")


def _slice_params(con, filters: dict, allowed: Iterable[str] = SLICE_FILTERS, *,
                  by: Sequence[str] = ()) -> dict:
    """The filters as bound parameters (NULL = no filter); unknown names and values refused,
    old spellings accepted with a DeprecationWarning; a county filter or the ``county``
    dimension (in ``by``) refused on a database that is not combined (:func:`check_counties`)."""
    params = _query.Slice.of(filters, tuple(allowed)).params()
    check_counties(con, params.get("counties"), dimension="county" in by)
    return params


def _dimensions(by: str | Sequence[str]) -> list[str]:
    """The chosen dimensions, checked against the allowlist before any SQL is built."""
    by = [by] if isinstance(by, str) else list(by)
    bad = [d for d in by if d not in BY]
    if bad:
        raise ValueError(f"unknown dimension(s) {', '.join(map(str, bad))}; allowed: {', '.join(BY)}")
    if len(set(by)) != len(by):
        raise ValueError(f"a dimension is repeated in {by}")
    return by


def _grouped(con, name: str, params: dict, by: list[str], lead: Sequence[str] = ()) -> pd.DataFrame:
    """``sql/structure/<name>.sql`` grouped by the dimensions ``by`` (checked by
    :func:`_dimensions`): the dims CTE's columns of their labels and sort keys are bound as
    ``$dims``; the rows are ordered by ``lead`` then the sort keys in the order of ``by``, which
    are then dropped."""
    labels = [BY[d][0] for d in by]
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
