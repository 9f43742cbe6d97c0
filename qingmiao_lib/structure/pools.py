"""The talent pools (年轻公务员库, 两型干部库) over years: size, entries, exits and time in the
pool, and the exits by reason.
"""

from __future__ import annotations

from typing import Unpack

import duckdb
import pandas as pd

from .. import _query
from ._common import Slice, _finish, _slice_params

_POOL_FILTERS = ("pool", "genders", "educations", "cohorts", "counties")


def pool_dynamics(con: duckdb.DuckDBPyConnection, *, first_year: int, last_year: int,
                  **filters: Unpack[Slice]) -> pd.DataFrame:
    """Each talent pool's size on 31 December, entries, exits and median time in the pool, per
    year (zeros included): ``size = size_start + entries - exits`` on every row.

    Filters: ``pool``, ``genders``, ``educations``, ``cohorts``, ``counties`` (attributes that do not change
    while a person is in a pool, so flows and sizes stay consistent from year to year).

    Returns one row per (pool, year): ``pool``, ``year``, ``as_of``, ``size_start``, ``entries``,
    ``exits``, ``size``, ``median_months``, ``median_months_exited``.
    """
    params = _pool_params(con, first_year, last_year, filters)
    df = _query.run(con, "structure/pool_dynamics", params)
    df["as_of"] = pd.to_datetime(df["as_of"]).dt.date
    return _finish(df, con, first_year=params["first_year"], last_year=params["last_year"])


def pool_exits(con: duckdb.DuckDBPyConnection, *, first_year: int, last_year: int,
               **filters: Unpack[Slice]) -> pd.DataFrame:
    """The exits of :func:`pool_dynamics` split by exit reason: one row per (pool, year, reason)
    with an exit: ``pool``, ``year``, ``exit_reason`` (未注明 when none recorded), ``exits``."""
    params = _pool_params(con, first_year, last_year, filters)
    df = _query.run(con, "structure/pool_exits", params)
    return _finish(df, con, first_year=params["first_year"], last_year=params["last_year"])


def _pool_params(con, first_year: int, last_year: int, filters: dict) -> dict:
    first_year, last_year = int(first_year), int(last_year)
    if not 0 <= last_year - first_year <= 60:
        raise ValueError(f"a range of 1 to 61 years is needed, got {first_year}–{last_year}")
    p = _slice_params(con, filters, _POOL_FILTERS)
    return {"first_year": first_year, "last_year": last_year, "pool": p["pool"],
            "genders": p["genders"], "educations": p["educations"], "cohorts": p["cohorts"],
            "counties": p["counties"]}
