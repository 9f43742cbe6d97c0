"""Query results as pandas frames, through Arrow: kept for the modules outside the analysis
areas (``outlook``); the one implementation is :mod:`qingmiao_lib._query` (its dtype policy,
:func:`qingmiao_lib._query.to_pandas`). New code runs a named SQL file with
:func:`qingmiao_lib._query.run`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

import duckdb
import pandas as pd
import pyarrow as pa

from ._query import _decode, fetch_text, to_pandas  # noqa: F401 (_decode: tests)

__all__ = ["fetch", "frame", "to_pandas"]


def fetch(con: duckdb.DuckDBPyConnection, query: str, params: dict) -> pa.Table:
    """The result of ``query`` (values bound from ``params``) as an Arrow table."""
    return fetch_text(con, query, params)


def frame(con: duckdb.DuckDBPyConnection, query: str, params: dict, *,
          enums: Literal["object", "category"] = "object", repeated: Collection[str] = ()) -> pd.DataFrame:
    """:func:`fetch` then :func:`to_pandas`."""
    return to_pandas(fetch(con, query, params), enums=enums, repeated=repeated)

