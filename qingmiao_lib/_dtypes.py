"""The one dtype policy of query results (:func:`to_pandas`): text as :data:`TEXT`, categoricals
only where a caller declares them, nullable integers where a column holds NULLs — the same under
pandas 2.3 and 3.x. Split from :mod:`qingmiao_lib._query`, which re-exports every name here.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: The dtype of every text column the areas return: pandas' string dtype with NaN for a missing
#: value, its strings kept in Arrow (``str``, the default text dtype of pandas 3 with pyarrow
#: installed) — the same dtype and values under pandas 2.3 and 3.x. A query's text arrives as
#: Arrow strings and stays so: no Python string is made per row (at a million rows the 在职培训
#: list's text took ~480 ms as Python strings, ~65 ms as Arrow's). A text column is a categorical
#: only where a query's caller declares it (``categories``).
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)

_NULLABLE_INTS = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
                  pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
                  pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype()}


def to_pandas(table: pa.Table, *, categories: Collection[str] = (), repeated: Collection[str] = (),
              text: Literal["string", "object"] = "string") -> pd.DataFrame:
    """An Arrow result as a frame, one policy for every area: text (VARCHAR or ENUM) as
    :data:`TEXT`, those named in ``categories`` as categoricals (an ENUM's in its order, other
    text in sorted order); int64, or the nullable Int* when a column holds NULLs; dates as
    datetime64[us]; HUGEINT/DECIMAL sums as float64. ``text="object"`` gives text as object
    strings with None instead (what ``.df()`` gave under pandas 2; :mod:`qingmiao_lib.frames`).

    Text stays in Arrow (:data:`TEXT`). As object strings (``text="object"``), where a Python
    string per row costs ~150 ms a column at a million rows, each distinct string of a repeated
    column (units, ranks, grades, rules) is made once: ``repeated`` names the text columns to
    deduplicate whatever their first rows look like (others are deduplicated when their first
    rows repeat). Columns to leave out or fill are best dropped or filled on the Arrow table
    first.
    """
    columns = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        kind = col.type
        if _is_text(kind):
            if name in categories:
                columns[name] = _categorical(col)
            elif text == "object":
                columns[name] = _decode(col) if pa.types.is_dictionary(kind) else _objects(col, name in repeated)
            else:
                columns[name] = _text(col)
        elif col.null_count == 0 and (pa.types.is_integer(kind) or pa.types.is_floating(kind)
                                      or pa.types.is_boolean(kind)):
            # numbers without a NULL: the numpy array itself (a Series per column costs ~0.1 ms)
            columns[name] = col.to_numpy()
        elif pa.types.is_integer(kind):
            columns[name] = _NULLABLE_INTS[kind].__from_arrow__(col)
        elif pa.types.is_date(kind):
            # straight to microseconds: to_pandas then astype goes through milliseconds (3× slower)
            columns[name] = pc.cast(col, pa.timestamp("us")).to_numpy()
        elif pa.types.is_decimal(kind):
            columns[name] = pc.cast(col, pa.float64()).to_numpy()
        else:
            columns[name] = col.to_pandas()
    # arrays, not Series (a Series is reindexed on the way in), and no block consolidation
    # (~200 ms at 1M)
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows), copy=False)


def text(values) -> pd.Series:
    """Values computed in Python (labels mapped from codes …) as a text column of :data:`TEXT`:
    None and NaN become the missing value."""
    return pd.Series(values, dtype=object).astype(TEXT) if not isinstance(values, pd.Series) \
        else values.astype(object).astype(TEXT)


def _is_text(kind: pa.DataType) -> bool:
    """Is an Arrow column of this type text (an enum: text names)?"""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)


def _repeats(col: pa.ChunkedArray) -> bool:
    """Do the first rows of a text column repeat (so deduplicating it pays)?"""
    head = col.slice(0, 1000).to_pylist()
    return len(set(head)) < 0.5 * len(head)


def _text(col: pa.ChunkedArray) -> pd.api.extensions.ExtensionArray:
    """A text column as an array of :data:`TEXT`, over Arrow's own strings (an ENUM cast to its
    names in Arrow first)."""
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        col = pc.cast(col, pa.large_string())
    return TEXT.__from_arrow__(col)


def _categorical(col: pa.ChunkedArray) -> pd.Categorical:
    """A text column declared categorical: an ENUM with its names in their order, other text with
    its distinct values sorted."""
    if pa.types.is_dictionary(col.type):
        col = col.unify_dictionaries() if col.num_chunks > 1 else col
        arr = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
        names = arr.dictionary.cast(pa.string()).to_pylist()
        codes = pc.cast(arr.indices, pa.int64()).fill_null(-1).to_numpy(zero_copy_only=False)
        return pd.Categorical.from_codes(codes, categories=pd.Index(names, dtype=TEXT))
    values = pd.Series(_text(col), copy=False)
    return values.astype(pd.CategoricalDtype(sorted(values.dropna().unique()))).array


def _objects(col: pa.ChunkedArray, dedup: bool) -> pd.Series:
    """A text column as object strings, None for NULL (``text="object"``)."""
    values = col.to_pandas(deduplicate_objects=dedup or _repeats(col))
    return pd.Series(np.asarray(values.astype(object).where(values.notna(), None)), dtype=object, copy=False)


def _decode(col: pa.ChunkedArray) -> pd.Series:
    """A dictionary (enum) column as object strings, None for NULL: an index into the names per
    row, no string made per row."""
    col = col.unify_dictionaries() if col.num_chunks > 1 else col
    arr = col.combine_chunks()
    names = np.asarray(arr.dictionary.to_pylist() + [None], dtype=object)
    codes = arr.indices.fill_null(len(arr.dictionary)).to_numpy(zero_copy_only=False)
    return pd.Series(names[codes], dtype=object, copy=False)
