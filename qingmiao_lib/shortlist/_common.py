"""What every list of the shortlist shares: the date argument, the county of a combined database,
the 三优先 of the rules, and the stamp put on each returned frame (``attrs``: the date and
filters, rules version, priorities)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from .._slice import county_codes
from .._steady import remembered
from ..db import rules_version
from ..errors import QingmiaoError
from ..pipeline._common import _county_quotas


def _date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _county(con: duckdb.DuckDBPyConnection, counties: str | Sequence[str] | None,
            as_of: dt.date) -> dict[str, object]:
    """The bound ``$county`` and ``$county_quotas`` of the shortlist's queries: None and None
    without ``counties``; else its one code and that county's jurisdiction quotas of
    ``year(as_of)`` (table ``county_quotas``). Refused, in one line, on a county's own database
    (:func:`qingmiao_lib._slice.check_counties`) and for no county or several: the places are each
    county's own (its jurisdiction quotas against its holders), so each county is a competition
    of its own, and rows of several would not say which jurisdiction row (全辖区) or which
    position is whose — ask county by county, as ``quota_usage`` does."""
    codes = county_codes(con, counties)
    if codes is None:
        return {"county": None, "county_quotas": None}
    if len(codes) != 1:
        given = f"给了 {'、'.join(codes)}" if codes else "没有给出县"
        raise QingmiaoError(f"晋升人选按各县辖区职数分别排序，一次只能看一个县（{given}）：请逐县查看")
    return {"county": codes[0], "county_quotas": _county_quotas(con, as_of, codes)}


def _finish(df: pd.DataFrame, con, **attrs) -> pd.DataFrame:
    df.attrs.update({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in attrs.items()},
                    rules_version=rules_version(con), priorities=priorities(con))
    return df


def priorities(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The 三优先 in the order the rules on ``con`` list them (``shortlist.priorities``); read once
    per :func:`qingmiao_lib._steady.steady` block (a report)."""
    rows = remembered(con, ("shortlist-priorities",), lambda: con.execute(
        "select value from rule_lists where name = 'shortlist.priorities' order by rowid").fetchall())
    return [r[0] for r in rows]
