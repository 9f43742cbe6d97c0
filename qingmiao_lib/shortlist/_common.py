"""What every list of the shortlist shares: the date argument, the 三优先 of the rules, and the
stamp put on each returned frame (``attrs``: the date and filters, rules version, priorities)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from .._steady import remembered
from ..db import rules_version


def _date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


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
