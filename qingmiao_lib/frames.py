"""Query results as pandas frames, through Arrow: kept for the modules outside the analysis
areas (``outlook``), with text as object strings and None as before. The one implementation is
:mod:`qingmiao_lib._query`; new code runs a named SQL file with :func:`qingmiao_lib._query.run`,
which gives text as the pandas string dtype (:data:`qingmiao_lib._query.TEXT`).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

import duckdb
import pandas as pd
import pyarrow as pa

from . import _query
from ._query import _decode, fetch_text  # noqa: F401 (_decode: tests)

__all__ = ["fetch", "frame", "to_pandas"]


def fetch(con: duckdb.DuckDBPyConnection, query: str, params: dict) -> pa.Table:
    """The result of ``query`` (values bound from ``params``) as an Arrow table."""
    return fetch_text(con, query, params)


def frame(con: duckdb.DuckDBPyConnection, query: str, params: dict, *,
          enums: Literal["object", "category"] = "object", repeated: Collection[str] = ()) -> pd.DataFrame:
    """:func:`fetch` then :func:`to_pandas`."""
    return to_pandas(fetch(con, query, params), enums=enums, repeated=repeated)


def to_pandas(table: pa.Table, *, enums: Literal["object", "category"] = "object",
              repeated: Collection[str] = ()) -> pd.DataFrame:
    """An Arrow result as a frame: text as object strings with None, ENUMs as object strings
    (``enums="object"``) or categoricals (``enums="category"``); otherwise as
    :func:`qingmiao_lib._query.to_pandas`."""
    categories = [f.name for f in table.schema if pa.types.is_dictionary(f.type)] if enums == "category" else ()
    return _query.to_pandas(table, categories=categories, repeated=repeated, text="object")

