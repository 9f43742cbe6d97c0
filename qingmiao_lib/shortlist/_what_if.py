"""The shortlist's what-if: quota use after a list of promotions (``sql/shortlist/promotions.sql``
checks the list, ``sql/shortlist/what_if.sql`` counts the quotas after it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from .. import frames, sql
from ..errors import QingmiaoError
from ._common import _county, _date, _finish


def _promotions(promotions) -> tuple[list[str], list[str | None]]:
    """(person ids, target ranks or None) of a what-if list: ids, (id, rank) pairs, or a frame
    with ``person_id`` and optionally ``rank``."""
    if isinstance(promotions, pd.DataFrame):
        ids = promotions["person_id"].astype(str).str.strip().tolist()
        ranks = (promotions["rank"].tolist() if "rank" in promotions.columns else [None] * len(ids))
    else:
        pairs = [(p, None) if isinstance(p, str) else tuple(p) for p in promotions]
        ids, ranks = [str(p[0]).strip() for p in pairs], [p[1] for p in pairs]
    ranks = [None if r is None or pd.isna(r) or not str(r).strip() else str(r).strip() for r in ranks]
    return ids, ranks


def what_if(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, promotions,
            counties: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Quota use on ``as_of`` after a list of promotions (the shortlist's what-if).

    Parameters
    ----------
    promotions
        Person ids (each promoted one step up the ladder), ``(person_id, rank)`` pairs, or a
        frame with ``person_id`` and optionally ``rank`` (empty = one step up). Each person moves
        from their rank on ``as_of`` to the new one in the unit of their main post. The list is
        not held to the personal conditions (a what-if may try anyone);
        :func:`check_recommendations` says who on it meets them.
    counties
        One county code of a combined database (refused on a county's own database, and for
        several: each county's quotas are its own): that county's quota rows, its jurisdiction
        quotas (``county_quotas``) included, against its holders, as its own database gives
        them; a person of another county on the list is 人员编号不存在 there.

    Returns
    -------
    pandas.DataFrame
        One row per quota row of ``year(as_of)``, plus a jurisdiction row (``quota`` NA) for a
        rank promoted into that has no quota: ``year, unit_id`` (None = 全辖区), ``unit_name,
        rank, rank_step, quota, holders, promoted_in, promoted_out, holders_after,
        places_before, places_after`` (quota − holders; negative = over), ``over_quota``.
        ``attrs["promotions"]``: the checked list, one dict per entry (``entry, person_id,
        unit_id, from_rank, to_rank``).

    Raises
    ------
    QingmiaoError
        When an entry cannot be a promotion (unknown person, not active on ``as_of``, listed
        twice, no rank, an unknown rank, at the top, or a target not above the current rank),
        listing every such entry.
    """
    as_of = _date(as_of)
    county = _county(con, counties, as_of)
    ids, ranks = _promotions(promotions)
    checked = frames.frame(con, sql.load("shortlist/promotions"),
                           {"as_of": as_of, "ids": ids, "ranks": ranks, "county": county["county"]})
    bad = checked[checked["problem"].notna()]
    if len(bad):
        listed = "；".join(f"第{e}项 {p}：{why}" for e, p, why in
                          bad[["entry", "person_id", "problem"]].head(20).itertuples(index=False))
        more = f"（另有 {len(bad) - 20} 项）" if len(bad) > 20 else ""
        raise QingmiaoError(f"晋升名单有 {len(bad)} 项不能模拟：{listed}{more}")
    df = frames.frame(con, sql.load("shortlist/what_if"), {
        "as_of": as_of, "ids": checked["person_id"].tolist(), "to_ranks": checked["to_rank"].tolist(), **county})
    df["over_quota"] = df["over_quota"].astype(bool)
    return _finish(df, con, as_of=as_of, promotions=checked.drop(columns=["problem"]).to_dict("records"))
