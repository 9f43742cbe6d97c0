"""Unit by unit: bench strength (梯队) — leadership posts against the unit's young people — the
units with a gap, and the unit comparison table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Unpack

import duckdb
import pandas as pd

from .. import _query
from ._common import Slice, _finish, _slice_params

#: The lowest rank that counts as senior in the bench-strength gap list (issue 4).
GAP_RANK = "四级主任科员"


def bench_strength(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                   units: str | Sequence[str] | None = None,
                   unit_kind: str | Sequence[str] | None = None,
                   gap_rank: str = GAP_RANK, unit_kinds: str | Sequence[str] | None = None,
                   counties: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Bench strength (梯队) per unit on ``as_of``: leadership posts held (by level) against the
    unit's young people by level and rank, the leadership's average age, and the gaps.

    Returns one row per unit with someone in post: ``unit_id``, ``unit_name``, ``unit_kind``,
    ``persons``, ``young``, ``leader_posts``, ``ke_deputy_posts``, ``ke_chief_posts``,
    ``county_posts``, ``young_ke_deputy``, ``young_ke_chief``, ``young_county``,
    ``young_senior_rank`` (young at ``gap_rank`` or above), ``young_reserve`` (young holding a
    leadership post or a senior rank), ``reserve_per_post``, ``leaders_avg_age``, ``gap_ke``
    (no young person at 乡科级) and ``gap_rank``. ``counties``: the units of those counties (a
    combined database's).
    """
    p = _slice_params(con, {"units": units, "unit_kinds": unit_kinds, "unit_kind": unit_kind,
                            "counties": counties})
    df = _query.run(con, "structure/bench_strength", {
        "as_of": as_of, "units": p["units"], "unit_kinds": p["unit_kinds"], "counties": p["counties"],
        "gap_rank": gap_rank,
    })
    return _finish(df, con, as_of=as_of, gap_rank=gap_rank)


def bench_gaps(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
               units: str | Sequence[str] | None = None,
               unit_kind: str | Sequence[str] | None = None,
               gap_rank: str = GAP_RANK, unit_kinds: str | Sequence[str] | None = None,
               counties: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The units of :func:`bench_strength` with no young person at 乡科级 or none at
    ``gap_rank`` or above: the same columns plus ``gap`` (the gaps in words), one row per unit."""
    df = bench_strength(con, as_of=as_of, units=units, unit_kinds=_query.Slice.of(
        {"unit_kinds": unit_kinds, "unit_kind": unit_kind}, ("unit_kinds",), stacklevel=3).unit_kinds,
        gap_rank=gap_rank, counties=counties)
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
    params = {"as_of": as_of, **_slice_params(con, filters)}
    df = _query.run(con, "structure/unit_comparison", params)
    filtered = params["units"] is not None or params["unit_kinds"] is not None
    df.loc[df["is_total"], "unit_name"] = "合计" if filtered else "全辖区"
    df.loc[~df["is_total"] & df["unit_id"].isna(), "unit_name"] = "无在任职务"
    return _finish(df, con, as_of=as_of)
