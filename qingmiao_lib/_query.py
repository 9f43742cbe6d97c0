"""The query layer of the analysis areas (structure, training, evaluation, pipeline, figures).

One way to run a named SQL file and get a frame:

- :func:`run` / :func:`fetch` run ``sql/<area>/<name>.sql`` with its values bound (only the
  parameters the file uses are passed: DuckDB refuses others) and hand the result over through
  Arrow with one dtype policy (:func:`to_pandas`).
- :func:`reading` chooses where a query reads a derived table from. Where a stored table (written
  by :func:`qingmiao_lib.db.refresh_snapshots`) can stand in for a live computation, both exist
  as named macros (``<name>_live`` and ``<name>_stored``) and the analyses call the plain name,
  which points at the live one. ``reading(con, "training/courses", stored=True)`` points it at
  the stored one for the queries run inside it, by running the fixed file
  ``sql/training/use_courses_stored.sql``, and back by ``sql/training/use_courses_live.sql``.
  No SQL text is ever edited: the SQL a reader opens is the SQL that runs.
- :class:`Slice` is the slice of persons every area filters on, one spelling for all areas,
  turned into bound parameters by :meth:`Slice.params`.

No connection at import time, no state outside the connection.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Collection, Iterator
from functools import cache
from typing import Literal

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import sql
from .db import install_once

# --------------------------------------------------------------------------------------------
# running a named query


@cache
def parameters(name: str) -> frozenset[str]:
    """The ``$name`` parameters ``sql/<name>.sql`` uses (read from its text, which is never
    changed)."""
    return frozenset(re.findall(r"\$(\w+)", sql.load(name)))


def bound(name: str, params: dict) -> dict:
    """``params`` restricted to those ``sql/<name>.sql`` uses."""
    used = parameters(name)
    return {k: v for k, v in params.items() if k in used}


def fetch(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pa.Table:
    """The result of ``sql/<name>.sql`` (values bound from ``params``) as an Arrow table."""
    return fetch_text(con, sql.load(name), bound(name, params or {}))


def fetch_text(con: duckdb.DuckDBPyConnection, query: str, params: dict | None) -> pa.Table:
    """The result of ``query`` as an Arrow table (for :mod:`qingmiao_lib.frames`' callers)."""
    # execute, not con.sql: a relation binds the query twice (~13 ms a call at the demo scale);
    # the extra copy DuckDB warns about costs ~40 ms at a million rows
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
        return con.execute(query, params or {}).to_arrow_table()


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None, *,
        enums: Literal["object", "category"] = "object", repeated: Collection[str] = (),
        strings: Collection[str] = (), derive=None) -> pd.DataFrame:
    """``sql/<name>.sql`` as a frame (see :func:`to_pandas`). ``derive`` (Arrow table → Arrow
    table) may add or rebuild columns first, where they cost less than on the frame."""
    table = fetch(con, name, params)
    if derive is not None:
        table = derive(table)
    return to_pandas(table, enums=enums, repeated=repeated, strings=strings)


# --------------------------------------------------------------------------------------------
# stored or live


#: Each source that a stored table can stand in for: the file creating its stored macros, run
#: once per connection and only once the table exists (a macro is bound when created), or None
#: when they are created with the live ones at connect.
SOURCES: dict[str, str | None] = {
    "training/courses": "training/training_years",
    "training/lectures": "training/lecture_marks",
    "evaluation/quarters": "evaluation/quarter_masks_stored",
    "pipeline/grades": "pipeline/eligibility_grades_stored",
    "pipeline/records": None,
    "structure/series": None,
}


@contextlib.contextmanager
def reading(con: duckdb.DuckDBPyConnection, source: str, variant: str = "stored", *,
            when: bool = True) -> Iterator[None]:
    """Run the queries of the ``with`` block on ``variant`` of ``source`` (a key of
    :data:`SOURCES`) when ``when``, else on its live computation.

    The source's names point at the variant through ``sql/<area>/use_<source>_<variant>.sql``
    for the block and back at the live computation (``use_<source>_live.sql``, the state of
    every connection between queries) after it, whatever happens inside. The caller decides
    whether the stored table may be read (it exists, its stamp matches, it holds the dates)."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; one of {', '.join(SOURCES)}")
    if not when or variant == "live":
        yield
        return
    area, family = source.split("/")
    if variant == "stored" and SOURCES[source] is not None:
        install_once(con, SOURCES[source], sql.load(SOURCES[source]))
    con.execute(sql.load(f"{area}/use_{family}_{variant}"))
    try:
        yield
    finally:
        con.execute(sql.load(f"{area}/use_{family}_live"))


# --------------------------------------------------------------------------------------------
# frames: one dtype policy

_NULLABLE_INTS = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
                  pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
                  pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype()}


def to_pandas(table: pa.Table, *, enums: Literal["object", "category"] = "object",
              repeated: Collection[str] = (), strings: Collection[str] = ()) -> pd.DataFrame:
    """An Arrow result as a frame: int64 or the nullable Int* when a column holds NULLs, dates
    as datetime64[us], HUGEINT/DECIMAL sums as float64; text as object strings with None
    (``strings`` names text columns to give as the pandas ``string`` dtype instead), ENUMs as
    object strings (``enums="object"``) or categoricals (``enums="category"``).

    At a million rows DuckDB's ``.df()`` creates one Python string per row and text column
    (~150 ms a column). Through Arrow each distinct string of a repeated column (units, ranks,
    grades, rules) is created once, and an ENUM arrives as indices into its names. ``repeated``
    names text columns to deduplicate whatever their first rows look like. Columns to leave out
    or fill are best dropped or filled on the Arrow table first.
    """
    columns = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        kind = col.type
        if name in strings and _is_text(kind):
            columns[name] = _strings(col)
        elif pa.types.is_integer(kind) and col.null_count:
            columns[name] = col.to_pandas(types_mapper=_NULLABLE_INTS.get)
        elif pa.types.is_dictionary(kind):
            columns[name] = col.to_pandas() if enums == "category" else _decode(col)
        elif pa.types.is_date(kind):
            # straight to microseconds: to_pandas then astype goes through milliseconds (3× slower)
            columns[name] = pc.cast(col, pa.timestamp("us")).to_pandas()
        elif pa.types.is_decimal(kind):
            columns[name] = pc.cast(col, pa.float64()).to_pandas()
        elif _is_text(kind):
            columns[name] = _objects(col, dedup=name in repeated)
        else:
            columns[name] = col.to_pandas()
    # no block consolidation (~200 ms at 1M)
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows), copy=False)


def _is_text(kind: pa.DataType) -> bool:
    """Is an Arrow column of this type text (an enum: text names)?"""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)


def _objects(col: pa.ChunkedArray, *, dedup: bool) -> pd.Series:
    """A text column as object strings, None for NULL; deduplicated when ``dedup`` or when its
    first rows repeat (deduplication pays for repeated values only)."""
    if not dedup:
        head = col.slice(0, 1000).to_pylist()
        dedup = len(set(head)) < 0.5 * len(head)
    return pd.Series(col.to_pandas(deduplicate_objects=dedup), dtype=object, copy=False)


def _decode(col: pa.ChunkedArray) -> pd.Series:
    """A dictionary (enum) column as object strings, None for NULL: an index into the names per
    row, no string made per row."""
    col = col.unify_dictionaries() if col.num_chunks > 1 else col
    arr = col.combine_chunks()
    names = np.asarray(arr.dictionary.to_pylist() + [None], dtype=object)
    codes = arr.indices.fill_null(len(arr.dictionary)).to_numpy(zero_copy_only=False)
    return pd.Series(names[codes], dtype=object, copy=False)


def _strings(col: pa.ChunkedArray) -> pd.Series:
    """A text column as ``Series.astype("string")`` of its object strings gives it: each
    distinct value made once, the rows taken from them by index (NULL → ``pd.NA``)."""
    if not pa.types.is_dictionary(col.type):
        col = pc.dictionary_encode(col)
    col = col.unify_dictionaries() if col.num_chunks > 1 else col
    arr = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    names = pd.array(arr.dictionary.cast(pa.string()).to_pylist() + [None], dtype="string")
    codes = arr.indices.fill_null(len(arr.dictionary)).to_numpy(zero_copy_only=False)
    return pd.Series(names.take(codes), copy=False)
