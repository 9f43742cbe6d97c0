"""The counting queries of the projection (``sql/projection/states.sql``, ``stocks.sql``,
``transitions.sql``), each read once per report.

Outside a :func:`qingmiao_lib._steady.steady` block every call runs its query. Inside one (a
report: the outlook section asks for a projection, its flows and its backtest, which count the
same years again), the rows of each query are kept for the rest of the block, per query and the
arguments that shape a row (``years``, ``below``), with the span of years they were counted for.
A later call for years inside that span takes its rows from them; one outside it counts the
span joined with the new years, once. :func:`qingmiao_lib.projection.project` and ``flows`` ask
(``since``) for the years a backtest of the same horizon reads too, so the report's backtest
counts nothing anew. Both queries group by year and read the stored snapshots
and ``person_snapshot_live`` directly (not the ``person_snapshot_at`` pointer), so the rows of a
year do not depend on the span they were counted with: a span's rows, cut to the years asked
for (the files order by year first), are the rows the query gives for those years alone.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from .. import _steady, sql

#: the memo key of this module's rows in a steady block
_KEY = "projection-rows"


def states(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``sql/projection/states.sql`` (the rules' rank and level steps), read once per steady block."""
    return _steady.remembered(con, (_KEY, "states"),
                              lambda: con.execute(sql.load("projection/states")).df()).copy()


def stocks(con: duckdb.DuckDBPyConnection, *, first: int, last: int, years: int, below: int,
           since: int | None = None) -> pd.DataFrame:
    """``sql/projection/stocks.sql`` for the years ``first`` … ``last``. In a steady block, rows
    counted anew are counted from ``since`` (≤ ``first``) on, for a later call to take them."""
    return _rows(con, "projection/stocks", first=first, last=last, since=since,
                 shape={"years": years, "below": below})


def transitions(con: duckdb.DuckDBPyConnection, *, first: int, last: int, below: int,
                since: int | None = None) -> pd.DataFrame:
    """``sql/projection/transitions.sql`` for the transition years ``first`` … ``last`` (``since``:
    as :func:`stocks`)."""
    return _rows(con, "projection/transitions", first=first, last=last, since=since, shape={"below": below})


def _rows(con, name: str, *, first: int, last: int, since: int | None, shape: dict) -> pd.DataFrame:
    memo = _steady.memo_of(con)
    if memo is None:
        return _query(con, name, first, last, shape)
    kept = memo.setdefault(_KEY, {})
    key = (name, tuple(sorted(shape.items())))
    if key in kept and kept[key][0] <= first and last <= kept[key][1]:
        lo, hi, rows = kept[key]
    else:
        lo, hi = kept[key][:2] if key in kept else (first, last)
        lo, hi = min(lo, first, first if since is None else since), max(hi, last)
        rows = _query(con, name, lo, hi, shape)
        kept[key] = (lo, hi, rows)
    if (lo, hi) == (first, last):
        return rows.copy()
    return rows[rows["year"].between(first, last)].reset_index(drop=True)


def _query(con, name: str, first: int, last: int, shape: dict) -> pd.DataFrame:
    return con.execute(sql.load(name), {"first": first, "last": last, **shape}).df()
