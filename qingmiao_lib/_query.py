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
  (``units``, ``counties``, ``unit_kinds``, ``genders``, ``educations``, ``cohorts``, ``pool``,
  ``young``, ``first_five``, ``age_group``; the old ``unit_kind``, ``gender``, ``education`` and
  ``entry_cohort`` still accepted, with a DeprecationWarning), turned into bound parameters by
  :meth:`Slice.params`.
- :data:`TEXT` is the one dtype of text columns (:func:`to_pandas`).
- A query reading the base layer through ``person_snapshot_at($as_of)`` (or ``eval_slice`` /
  ``eval_quarter_masks`` over it) reads it on one path: the stored rows on a date the table
  ``snapshots`` holds, else the live computation (:func:`fetch`, source ``base/snapshot``).

The slice lives in :mod:`qingmiao_lib._slice` and the dtype policy in
:mod:`qingmiao_lib._dtypes`; every name of both is re-exported here.

No connection at import time, no state outside the connection.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import warnings
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cache

import duckdb
import pandas as pd
import pyarrow as pa

from . import _steady, sql
from ._dtypes import TEXT as TEXT  # the one dtype policy, re-exported
from ._dtypes import _decode as _decode  # noqa: F401 (qingmiao_lib.frames)
from ._dtypes import _text as _text  # noqa: F401 (tests)
from ._dtypes import text as text
from ._dtypes import to_pandas as to_pandas
from ._macros import ensure, transaction
from ._slice import ALIASES as ALIASES  # the slice, re-exported
from ._slice import POOLS as POOLS
from ._slice import UNIT_KINDS as UNIT_KINDS
from ._slice import Slice as Slice
from ._steady import remembered, settled
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
AT_AS_OF = {"person_snapshot_at": 0, "eval_slice": 0, "eval_quarter_masks": 2,
            "training_in_service_rows": 0}


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
           tuple(sorted(kv for kv in _steady.pointing(con).items() if kv[0] != "base/snapshot" and kv[1] != "live")))
    try:
        hash(key)
    except TypeError:                           # a value that cannot be a key: read it each time
        return _fetch(con, name, params)
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
    Looked up once per :func:`steady` block and date, or once per date for as long as a
    read-only connection lives (:func:`qingmiao_lib._steady.settled`)."""
    day = pd.Timestamp(day).date()
    return settled(con, ("stored-on", day), lambda: bool(
        con.execute(sql.load("base/stored_date"), {"as_of": day}).fetchall()[0][0]))


def fetch_text(con: duckdb.DuckDBPyConnection, query: str, params: dict | None) -> pa.Table:
    """The result of ``query`` as an Arrow table (for :mod:`qingmiao_lib.frames`' callers)."""
    # execute, not con.sql: a relation binds the query twice (~13 ms a call at the demo scale);
    # the extra copy DuckDB warns about costs ~40 ms at a million rows
    ensure(con, query)  # the area macros it calls, created on first use
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


def year_end(con: duckdb.DuckDBPyConnection, year: int, *, given: Rules | None = None) -> dt.date:
    """The day ``year``'s figures are taken (``general.year_end``, 31 December by default): the
    SQL macro ``year_end(y)`` computed from :func:`rules` (or from ``given``, the rules the
    caller has already read)."""
    month, day = (given or rules(con)).year_end
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
    "training/obligations": "training/obligations_stored",
    "training/lectures": "training/lecture_marks",
    "evaluation/quarters": "evaluation/quarter_masks_stored",
    "pipeline/grades": "pipeline/eligibility_grades_stored",
    "pipeline/records": None,
    "pipeline/eligibility": "pipeline/eligibility_stored",   # held: made by pipeline.holding
    "structure/series": None,
}


@contextlib.contextmanager
def reading(con: duckdb.DuckDBPyConnection, source: str, variant: str = "stored", *,
            when: bool = True) -> Iterator[None]:
    """Run the queries of the ``with`` block on ``variant`` of ``source`` (a key of
    :data:`SOURCES`) when ``when``, else on its live computation.

    The source's names are pointed at the variant by ``sql/<area>/use_<source>_<variant>.sql``
    (at the live computation by ``use_<source>_live.sql``). The caller decides whether the
    stored table may be read (it exists, its stamp matches, it holds the dates).

    Where the names point is kept between queries (:func:`qingmiao_lib._steady.pointing`): they
    are switched only when a block asks for another variant than the last one — a notebook asking
    the same analysis again, or a report running dozens of blocks on one source, pays no switch
    (each costs ~1–4 ms of binding). Every query of a source's names runs inside a ``reading``
    block, so each still reads the variant it asked for. SQL of one's own that calls an area's
    macros runs after :func:`qingmiao_lib.db.install_all`, which points them all back at the
    live computation.

    A switch made inside an explicit transaction is undone after the block (the transaction
    id is the same before and after it: ``sql/base/transaction_id.sql``): DuckDB would roll it
    back with the transaction, and the names would then point elsewhere than recorded."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; one of {', '.join(SOURCES)}")
    target = variant if when else "live"
    pointing = _steady.pointing(con)
    was = pointing.get(source, "live")
    if was == target:
        yield
        return
    before = transaction(con)
    _point(con, source, target)
    if transaction(con) != before:          # committed on its own: it stands
        pointing[source] = target
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(duckdb.TransactionException):  # an aborted one rolls it back
            _point(con, source, was)


def _point(con: duckdb.DuckDBPyConnection, source: str, variant: str) -> None:
    """Point ``source``'s names at ``variant``, creating first the area macros its pointers,
    its live computation and ``variant`` live in (:mod:`qingmiao_lib._macros`): created later,
    by a query's first call, they would point the names back at the live computation inside a
    block reading another variant."""
    area, family = source.split("/")
    ensure(con, sql.load(f"{area}/use_{family}_live"))
    ensure(con, sql.load(f"{area}/use_{family}_{variant}"))
    if variant == "stored" and SOURCES[source] is not None:
        install_once(con, SOURCES[source], sql.load(SOURCES[source]))
    con.execute(sql.load(f"{area}/use_{family}_{variant}"))
