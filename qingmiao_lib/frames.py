"""Query results as pandas frames, through Arrow.

At a million rows DuckDB's ``.df()`` creates one Python string per row and text column (~150 ms
a column). Through Arrow each distinct string of a repeated column (units, ranks, grades, rules)
is created once, and an ENUM arrives as indices into its names. The frames are the ones ``.df()``
gives: object strings with None, int64 or the nullable Int* when a column holds NULLs, dates as
datetime64[us], HUGEINT/DECIMAL sums as float64; ENUMs as object strings (``enums="object"``) or
as categoricals (``enums="category"``, what ``.df()`` gives for an ENUM column).
"""

from __future__ import annotations

import warnings
from collections.abc import Collection
from typing import Literal

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_NULLABLE_INTS = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
                  pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
                  pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype()}


def fetch(con: duckdb.DuckDBPyConnection, query: str, params: dict) -> pa.Table:
    """The result of ``query`` (values bound from ``params``) as an Arrow table."""
    # execute, not con.sql: a relation binds the query twice (~13 ms a call at the demo scale);
    # the extra copy DuckDB warns about costs ~40 ms at a million rows
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
        return con.execute(query, params).to_arrow_table()


def to_pandas(table: pa.Table, *, enums: Literal["object", "category"] = "object",
              repeated: Collection[str] = ()) -> pd.DataFrame:
    """An Arrow result as the frame described above. ``repeated`` names text columns to
    deduplicate whatever their first rows look like. Columns to leave out or fill are best
    dropped or filled on the Arrow table first: ``DataFrame.drop`` of one column of a
    million-row frame costs ~200 ms, ``fillna`` of a text column ~65 ms."""
    columns = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        kind = col.type
        if pa.types.is_integer(kind) and col.null_count:
            columns[name] = col.to_pandas(types_mapper=_NULLABLE_INTS.get)
        elif pa.types.is_dictionary(kind):
            columns[name] = col.to_pandas() if enums == "category" else _decode(col)
        elif pa.types.is_date(kind):
            # straight to microseconds: to_pandas then astype goes through milliseconds (3× slower)
            columns[name] = pc.cast(col, pa.timestamp("us")).to_pandas()
        elif pa.types.is_decimal(kind):
            columns[name] = pc.cast(col, pa.float64()).to_pandas()
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
            # deduplication pays for repeated values only: look at the first rows
            head = col.slice(0, 1000).to_pylist()
            dedup = name in repeated or len(set(head)) < 0.5 * len(head)
            columns[name] = col.to_pandas(deduplicate_objects=dedup)
        else:
            columns[name] = col.to_pandas()
    # no block consolidation (~200 ms at 1M)
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows), copy=False)


def frame(con: duckdb.DuckDBPyConnection, query: str, params: dict, *,
          enums: Literal["object", "category"] = "object", repeated: Collection[str] = ()) -> pd.DataFrame:
    """:func:`fetch` then :func:`to_pandas`."""
    return to_pandas(fetch(con, query, params), enums=enums, repeated=repeated)


def _decode(col: pa.ChunkedArray) -> pd.Series:
    """A dictionary (enum) column as the object strings ``.df()`` gives for text, None for NULL:
    an index into the names per row, no string made per row."""
    col = col.unify_dictionaries() if col.num_chunks > 1 else col
    arr = col.combine_chunks()
    names = np.asarray(arr.dictionary.to_pylist() + [None], dtype=object)
    codes = arr.indices.fill_null(len(arr.dictionary)).to_numpy(zero_copy_only=False)
    return pd.Series(names[codes], dtype=object, copy=False)
