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
- :class:`Slice` is the slice of persons every area filters on, one spelling for all areas
  (``units``, ``unit_kinds``, ``genders``, ``educations``, ``cohorts``, ``pool``, ``young``,
  ``first_five``, ``age_group``; the old ``unit_kind``, ``gender``, ``education`` and
  ``entry_cohort`` still accepted, with a DeprecationWarning), turned into bound parameters by
  :meth:`Slice.params`.
- :data:`TEXT` is the one dtype of text columns (:func:`to_pandas`).

No connection at import time, no state outside the connection.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import warnings
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, fields
from functools import cache
from typing import Literal

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import _steady, sql
from ._steady import remembered
from ._steady import steady as steady  # a steady connection (db.py reads it too)
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


#: The names that read the base layer through ``person_snapshot_at`` on the date they are given
#: (→ the position of that argument): the pointer itself and the evaluation macros over it.
#: Every query calls them on its ``$as_of`` (tests/test_query.py checks the SQL files).
AT_AS_OF = {"person_snapshot_at": 0, "eval_slice": 0, "eval_quarter_masks": 2}


@cache
def on_as_of(name: str) -> bool:
    """Does ``sql/<name>.sql`` read the base layer through ``person_snapshot_at($as_of)``?"""
    return any(f"{macro}(" in sql.load(name) for macro in AT_AS_OF)


def fetch(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pa.Table:
    """The result of ``sql/<name>.sql`` (values bound from ``params``) as an Arrow table. A
    query reading ``person_snapshot_at($as_of)`` reads it on the one path ``$as_of`` needs: the
    stored rows on a date the table ``snapshots`` holds (:func:`stored_on`), else the live
    computation (only that path is planned)."""
    params = bound(name, params or {})
    memo = _steady.memo_of(con)
    if memo is None:
        return _fetch(con, name, params)
    # in a steady block the same query on the same values and sources gives the same rows: a
    # report asking twice (the headline figures, quota usage) reads them once
    key = ("rows", name, tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(params.items())),
           tuple(sorted(kv for kv in memo.get("pointing", {}).items() if kv[0] != "base/snapshot")))
    if key not in memo:
        table = _fetch(con, name, params)
        if table.num_rows > REMEMBERED_ROWS:
            return table
        memo[key] = table
    return memo[key]


#: The most rows of a result a steady block keeps for a repeated query (an Arrow table, read-only).
REMEMBERED_ROWS = 100_000


def _fetch(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> pa.Table:
    if on_as_of(name):
        with reading(con, "base/snapshot", when=stored_on(con, params["as_of"])):
            return fetch_text(con, sql.load(name), params)
    return fetch_text(con, sql.load(name), params)


def stored_on(con: duckdb.DuckDBPyConnection, day: dt.date) -> bool:
    """Does the table ``snapshots`` hold the base layer on ``day`` (``sql/base/stored_date.sql``)?
    Looked up once per :func:`steady` block and date."""
    day = pd.Timestamp(day).date()
    return remembered(con, ("stored-on", day), lambda: bool(
        con.execute(sql.load("base/stored_date"), {"as_of": day}).fetchall()[0][0]))


def fetch_text(con: duckdb.DuckDBPyConnection, query: str, params: dict | None) -> pa.Table:
    """The result of ``query`` as an Arrow table (for :mod:`qingmiao_lib.frames`' callers)."""
    # execute, not con.sql: a relation binds the query twice (~13 ms a call at the demo scale);
    # the extra copy DuckDB warns about costs ~40 ms at a million rows
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
        return con.execute(query, params or {}).to_arrow_table()


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None, *,
        categories: Collection[str] = (), repeated: Collection[str] = (), derive=None) -> pd.DataFrame:
    """``sql/<name>.sql`` as a frame with the one dtype policy (:func:`to_pandas`: text as
    :data:`TEXT`, ``categories`` as categoricals). ``derive`` (Arrow table → Arrow table) may add
    or rebuild columns first, where they cost less than on the frame."""
    table = fetch(con, name, params)
    if derive is not None:
        table = derive(table)
    return to_pandas(table, categories=categories, repeated=repeated)


# --------------------------------------------------------------------------------------------
# the slice


#: The unit kinds a slice may name (units.kind).
UNIT_KINDS = ("市直机关", "乡镇街道", "其他")
#: The talent pools a slice may name.
POOLS = ("年轻公务员库", "两型干部库")
#: Old spellings of the slice filters (structure's and evaluation's), accepted with a
#: DeprecationWarning → the one spelling of every area.
ALIASES = {"unit_kind": "unit_kinds", "gender": "genders", "education": "educations",
           "entry_cohort": "cohorts"}


@dataclass(frozen=True)
class Slice:
    """The slice of persons an analysis counts, one spelling for every area; each filter None =
    no filter, a list filter takes one value or several. Taken on the analysis's date (the unit
    of the main post that day …). :meth:`params` gives the bound parameters the SQL files read
    (``$units``, ``$unit_kinds``, ``$genders``, ``$educations``, ``$cohorts``, ``$pool``,
    ``$young``, ``$first_five``, ``$age_group``)."""

    units: tuple[str, ...] | None = None
    unit_kinds: tuple[str, ...] | None = None
    genders: tuple[str, ...] | None = None
    educations: tuple[str, ...] | None = None
    cohorts: tuple[int, ...] | None = None
    pool: str | None = None
    young: bool | None = None
    first_five: bool | None = None
    age_group: str | None = None

    @classmethod
    def of(cls, filters: Mapping[str, object], allowed: Collection[str] | None = None, *,
           stacklevel: int = 4) -> Slice:
        """The slice of keyword filters: old spellings (:data:`ALIASES`) renamed with a
        DeprecationWarning, names outside ``allowed`` (default: every field) refused with a
        TypeError, unit kinds and pools outside :data:`UNIT_KINDS` / :data:`POOLS` with a
        ValueError. ``stacklevel`` points the warning at the analysis's caller."""
        names = tuple(f.name for f in fields(cls)) if allowed is None else tuple(allowed)
        given: dict[str, object] = {}
        for name, value in filters.items():
            canonical = ALIASES.get(name, name) if name not in names else name
            if canonical not in names:
                raise TypeError(f"unknown filter(s) {name}; allowed: {', '.join(names)}")
            if value is None:
                continue
            if canonical != name:
                warnings.warn(f"the filter {name}= is now spelt {canonical}=", DeprecationWarning,
                              stacklevel=stacklevel)
            if canonical in given:
                raise TypeError(f"the filter {canonical} is given twice")
            given[canonical] = value
        kinds = _listed(given.get("unit_kinds"), str)
        if kinds and not set(kinds) <= set(UNIT_KINDS):
            raise ValueError(f"unit_kind must be among {', '.join(UNIT_KINDS)}, got {list(kinds)}")
        pool = given.get("pool")
        if pool is not None and pool not in POOLS:
            raise ValueError(f"pool must be one of {', '.join(POOLS)}, got {pool!r}")
        flags = {k: None if given.get(k) is None else bool(given[k]) for k in ("young", "first_five")}
        return cls(units=_listed(given.get("units"), str), unit_kinds=kinds,
                   genders=_listed(given.get("genders"), str), educations=_listed(given.get("educations"), str),
                   cohorts=_listed(given.get("cohorts"), int), pool=pool, **flags,
                   age_group=None if given.get("age_group") is None else str(given["age_group"]))

    def params(self) -> dict[str, object]:
        """The bound parameters: lists (DuckDB lists) or None."""
        return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v for f in fields(self)}


def _listed(value, kind) -> tuple | None:
    """One value or several as a tuple of ``kind``; None stays None."""
    if value is None:
        return None
    if isinstance(value, str | int):
        value = [value]
    return tuple(kind(v) for v in value)


# --------------------------------------------------------------------------------------------
# the rules the areas read in Python


@dataclass(frozen=True)
class Rules:
    """The rules an analysis reads besides its SQL (for labels, attrs and defaults), typed."""

    version: str                       #: meta.version (attrs["rules_version"])
    young_limit: int                   #: general.young_age_limit
    max_mentees: int                   #: mentors.max_mentees
    outcome_window_years: int | None   #: practice.outcome_window_years (None: not set)
    streak_block_years: int            #: assessment.streak_block_years
    small_cell_threshold: int          #: report.small_cell_threshold
    in_service_min_hours: float        #: training.in_service_min_hours
    attendance_threshold: float        #: lecture.attendance_threshold
    in_service_min_days: float         #: training.in_service_min_days
    year_end: tuple[int, int]          #: general.year_end as (month, day): the day a year's figures are taken


def rules(con: duckdb.DuckDBPyConnection) -> Rules:
    """The connection's :class:`Rules`, read in one query (``sql/base/area_rules.sql``) once per
    analysis call — or once per :func:`steady` block: outside one nothing is kept between calls,
    since the rules tables of a connection may change (a what-if, a test) and an answer must
    follow them."""
    return remembered(con, "rules", lambda: _read_rules(con))


def year_end(con: duckdb.DuckDBPyConnection, year: int) -> dt.date:
    """The day ``year``'s figures are taken (``general.year_end``, 31 December by default): the
    SQL macro ``year_end(y)`` computed from :func:`rules`."""
    month, day = rules(con).year_end
    return dt.date(int(year), month, day)


def _read_rules(con: duckdb.DuckDBPyConnection) -> Rules:
    rows = {name: (num, txt) for name, num, txt in con.execute(sql.load("base/area_rules")).fetchall()}

    def num(name: str):
        return rows.get(name, (None, None))[0]

    window = num("practice.outcome_window_years")
    end = rows.get("general.year_end", (None, None))[1]
    return Rules(version=rows.get("meta.version", (None, None))[1],
                 young_limit=int(num("general.young_age_limit")), max_mentees=int(num("mentors.max_mentees")),
                 outcome_window_years=None if window is None else int(window),
                 streak_block_years=int(num("assessment.streak_block_years")),
                 small_cell_threshold=int(num("report.small_cell_threshold")),
                 in_service_min_hours=float(num("training.in_service_min_hours")),
                 attendance_threshold=float(num("lecture.attendance_threshold")),
                 in_service_min_days=float(num("training.in_service_min_days")),
                 year_end=tuple(int(x) for x in str(end).split("-")[:2]))


# --------------------------------------------------------------------------------------------
# stored or live


#: Each source that a stored table can stand in for: the file creating its stored macros, run
#: once per connection and only once the table exists (a macro is bound when created), or None
#: when they are created with the live ones at connect.
SOURCES: dict[str, str | None] = {
    "base/snapshot": None,
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
    whether the stored table may be read (it exists, its stamp matches, it holds the dates).

    In a :func:`steady` block the names are switched only when a block asks for another
    variant than the last one (a report runs dozens of blocks on the same source), and put back
    on the live computation when the steady block ends. Every query of a source's names runs
    inside a ``reading`` block, so each still reads the variant it asked for."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; one of {', '.join(SOURCES)}")
    area, family = source.split("/")
    memo = _steady.memo_of(con)
    if memo is not None:            # a steady block: switch only when the pointing changes
        target = variant if when else "live"
        pointing = memo.setdefault("pointing", {})
        if pointing.get(source, "live") != target:
            if target == "stored" and SOURCES[source] is not None:
                install_once(con, SOURCES[source], sql.load(SOURCES[source]))
            con.execute(sql.load(f"{area}/use_{family}_{target}"))
            pointing[source] = target
            undo = memo.setdefault(_steady.UNDO, {})
            undo[source] = lambda: con.execute(sql.load(f"{area}/use_{family}_live"))
        yield
        return
    if not when or variant == "live":
        yield
        return
    if variant == "stored" and SOURCES[source] is not None:
        install_once(con, SOURCES[source], sql.load(SOURCES[source]))
    con.execute(sql.load(f"{area}/use_{family}_{variant}"))
    try:
        yield
    finally:
        con.execute(sql.load(f"{area}/use_{family}_live"))


# --------------------------------------------------------------------------------------------
# frames: one dtype policy

#: The dtype of every text column the areas return: pandas' string dtype with NaN for a missing
#: value (``str``, the default text dtype of pandas 3), stored as Python strings — the same dtype
#: and values under pandas 2.3 and 3.x. A text column is a categorical only where a query's
#: caller declares it (``categories``).
TEXT = pd.StringDtype("python", na_value=np.nan)

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

    At a million rows a string per row and text column costs ~150 ms a column. Each distinct
    string of a repeated column (units, ranks, grades, rules) is made once: an ENUM arrives as
    indices into its names, and ``repeated`` names text columns to deduplicate whatever their
    first rows look like (others are deduplicated when their first rows repeat). Columns to
    leave out or fill are best dropped or filled on the Arrow table first.
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
                columns[name] = _text(col, name in repeated)
        elif pa.types.is_integer(kind) and col.null_count:
            columns[name] = col.to_pandas(types_mapper=_NULLABLE_INTS.get)
        elif pa.types.is_date(kind):
            # straight to microseconds: to_pandas then astype goes through milliseconds (3× slower)
            columns[name] = pc.cast(col, pa.timestamp("us")).to_pandas()
        elif pa.types.is_decimal(kind):
            columns[name] = pc.cast(col, pa.float64()).to_pandas()
        else:
            columns[name] = col.to_pandas()
    # no block consolidation (~200 ms at 1M)
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


def _text(col: pa.ChunkedArray, repeated: bool) -> pd.Series:
    """A text column as :data:`TEXT`: an ENUM or repeated text from each distinct value once,
    the rows taken from them by index; other text converted as it is."""
    if pa.types.is_dictionary(col.type) or repeated or _repeats(col):
        return _by_codes(col, TEXT)
    if pa.types.is_large_string(col.type) or pa.types.is_string_view(col.type):
        col = pc.cast(col, pa.string())
    return pd.Series(TEXT.__from_arrow__(col), copy=False)


def _by_codes(col: pa.ChunkedArray, dtype) -> pd.Series:
    """A text column as ``dtype``: its distinct values made once, the rows taken by index (NULL
    → the dtype's missing value)."""
    if not pa.types.is_dictionary(col.type):
        col = pc.dictionary_encode(col)
    col = col.unify_dictionaries() if col.num_chunks > 1 else col
    arr = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    names = pd.array(arr.dictionary.cast(pa.string()).to_pylist() + [None], dtype=dtype)
    codes = arr.indices.fill_null(len(arr.dictionary)).to_numpy(zero_copy_only=False)
    return pd.Series(names.take(codes), copy=False)


def _categorical(col: pa.ChunkedArray) -> pd.Series:
    """A text column declared categorical: an ENUM with its names in their order, other text with
    its distinct values sorted."""
    if pa.types.is_dictionary(col.type):
        col = col.unify_dictionaries() if col.num_chunks > 1 else col
        arr = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
        names = arr.dictionary.cast(pa.string()).to_pylist()
        codes = pc.cast(arr.indices, pa.int64()).fill_null(-1).to_numpy(zero_copy_only=False)
        return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(names, dtype=TEXT)), copy=False)
    values = _text(col, True)
    return values.astype(pd.CategoricalDtype(sorted(values.dropna().unique())))


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
