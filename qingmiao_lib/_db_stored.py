"""The stored copies of the base layer: :func:`refresh_snapshots` writes them (each with the
fingerprint of its inputs in ``meta``), :func:`stored_current` says whether an analysis may read one.

Split from :mod:`qingmiao_lib.db`, which re-exports every public name here. ``set_meta`` is
called through :mod:`qingmiao_lib.db` (a test replacing ``db.set_meta`` reaches it here too).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

import duckdb

from . import sql
from ._macros import ensure
from ._steady import remembered, settled
from .provenance import database_facts

#: How many recent year-ends refresh_snapshots stores (the years analyses and reports ask for).
SNAPSHOT_YEARS = 15
#: How many recent data years of quarterly grades refresh_snapshots stores as masks (64 bits).
QUARTER_MASK_YEARS = 16
#: How many persons' courses refresh_snapshots groups by (year, person) in one statement when
#: it writes ``training_years``: at 8 million persons the whole table in one statement spilled
#: 26 GB to disk (issue 23). Measured at 1 million persons with DuckDB held to 1 GB: 100,000
#: persons a range spilled nothing, 250,000 spilled 2.5 GB; the ten ranges took 19 s against
#: 20 s for one statement.
TRAINING_YEARS_PERSONS = 100_000


def refresh_snapshots(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Store the base layer on 31 December of each recent data year (table ``snapshots``), the
    weekly lecture per person and year (table ``lecture_marks``), each person's courses per year
    (table ``training_years``), annual grades as bit masks (table ``grade_years``) and the
    quarterly grades of the last ``QUARTER_MASK_YEARS`` data years as bit masks (table
    ``quarter_masks``), the jurisdiction's and every unit's 优秀 share of those years (table
    ``excellent_shares``), every training obligation on those year ends (table
    ``obligation_snapshots``), and every active person's eligibility and the shortlist's pool on
    the latest ``shortlist.POOL_YEARS`` of those year ends (tables ``eligibility_snapshots``,
    :func:`qingmiao_lib.pipeline.store_eligibility`, and ``shortlist_pool``,
    :func:`qingmiao_lib.shortlist.store_pool`), each stamped in ``meta``.

    Called when the demo is built and inside every import's transaction, after the records are
    written, so the stored copy always matches the records. The years are the database's data
    span (``meta`` ``data_from``/``data_to``, else the records' own), the last ``SNAPSHOT_YEARS``
    of it. Returns the years stored.
    """
    from . import db, pipeline, shortlist  # late: db re-exports this module; they read db's helpers

    # each derived table with the fingerprint of its inputs in meta ('<table>_stamp'): the
    # readers use a table only while its stamp still matches (stored_current)
    _store(con, "lecture_marks", "lecture_stamp")    # the weekly lecture per person and year
    _store_training_years(con)                        # each person's courses per year
    _store(con, "grade_years", "grade_stamp")        # each person's annual grades as bit masks
    first, last = con.execute(sql.load("figures/data_years")).fetchall()[0]
    con.execute("delete from snapshots")
    if first is None:
        _store_shares(con, years=[])
        _store_obligations(con, days=[])
        pipeline.store_eligibility(con, days=[])
        shortlist.store_pool(con, days=[])
        return []
    # each person's quarterly grades of the last 16 data years as bit masks, with the first year
    base = int(last) - QUARTER_MASK_YEARS + 1
    _store(con, "quarter_masks", "quarter_stamp", {"base": base})
    db.set_meta(con, quarter_masks_base=base)
    years = list(range(max(int(first), int(last) - SNAPSHOT_YEARS + 1), int(last) + 1))
    _store_shares(con, years=years)     # the 优秀 shares a person's record compares with
    days = []
    ensure(con, sql.load("snapshots/store"))
    for year in years:  # one set-based insert per year-end (rules: general.year_end)
        day = con.execute("select year_end(?::integer)", [year]).fetchall()[0][0]
        con.execute(sql.load("snapshots/store"), {"d": day})
        days.append(day)
    # every training obligation on those year ends (table obligation_snapshots), and the
    # eligibility and the shortlist's pool on the latest of them (tables eligibility_snapshots,
    # shortlist_pool), read from the rows above
    _store_obligations(con, days=days)
    pipeline.store_eligibility(con, days=days[-shortlist.POOL_YEARS:])
    shortlist.store_pool(con, days=days[-shortlist.POOL_YEARS:])
    return years


def _store(con: duckdb.DuckDBPyConnection, table: str, stamp: str, params: dict | None = None) -> None:
    """Write the derived table ``sql/snapshots/<table>.sql`` and record the fingerprint of its
    inputs (``sql/snapshots/<stamp>.sql``) in meta as ``<table>_stamp``."""
    from . import db  # late: db re-exports this module
    ensure(con, sql.load(f"snapshots/{table}"))  # the area macros it calls (grade_years: eligibility's)
    if params:
        con.execute(sql.load(f"snapshots/{table}"), params)
    else:
        con.execute(sql.load(f"snapshots/{table}"))
    db.set_meta(con, **{f"{table}_stamp": con.execute(sql.load(f"snapshots/{stamp}")).fetchall()[0][0]})


def _store_shares(con: duckdb.DuckDBPyConnection, *, years: list[int]) -> None:
    """Write ``excellent_shares`` (``sql/snapshots/excellent_shares.sql``: the jurisdiction's and
    every unit's 优秀 share of each of ``years``, consecutive; empty: an empty table) with its
    stamp, and its years in meta (``excellent_shares_years``, 'first,last'; '' for none)."""
    from . import db  # late: db re-exports this module
    first, last = (years[0], years[-1]) if years else (1, 0)
    _store(con, "excellent_shares", "shares_stamp", {"first": first, "last": last})
    db.set_meta(con, excellent_shares_years=f"{first},{last}" if years else "")


def _store_training_years(con: duckdb.DuckDBPyConnection, persons: int | None = None) -> None:
    """Write ``training_years`` (``sql/snapshots/training_years.sql``, then
    ``training_years_part.sql`` for each range of at most ``persons`` persons, default
    :data:`TRAINING_YEARS_PERSONS`: ``sql/snapshots/person_parts.sql``) and record its stamp."""
    from . import db  # late: db re-exports this module
    ensure(con, sql.load("snapshots/training_years"))
    con.execute(sql.load("snapshots/training_years"))
    parts = con.execute(sql.load("snapshots/person_parts"),
                        {"persons": persons or TRAINING_YEARS_PERSONS}).fetchall()
    for first, last in parts:
        con.execute(sql.load("snapshots/training_years_part"), {"first": first, "last": last})
    db.set_meta(con, training_years_stamp=con.execute(sql.load("snapshots/training_stamp")).fetchall()[0][0])


def _store_obligations(con: duckdb.DuckDBPyConnection, *, days: list) -> None:
    """Write ``obligation_snapshots`` (``sql/snapshots/obligations.sql``) with the training
    obligations on each of ``days`` (the stored year ends, whose base layer is already stored;
    empty: an empty table) and record its stamp. Each day's obligations read the courses per year
    just stored on a 31 December, as the analyses do."""
    from . import _query, db  # late: db re-exports this module; the query layer imports db

    ensure(con, sql.load("snapshots/obligations"))
    con.execute(sql.load("snapshots/obligations"))
    for day in days:
        with _query.reading(con, "training/courses", when=(day.month, day.day) == (12, 31)):
            con.execute(sql.load("snapshots/obligations_store"), {"d": day})
    db.set_meta(con, obligation_snapshots_stamp=con.execute(
        sql.load("snapshots/obligations_stamp")).fetchall()[0][0])


def stored_current(con: duckdb.DuckDBPyConnection, table: str, stamp: str) -> bool:
    """May an analysis read the derived table ``table`` written by :func:`refresh_snapshots`?
    Only while it exists and the fingerprint stored with it (meta ``<table>_stamp``) is still
    what ``sql/snapshots/<stamp>.sql`` computes from the records and this connection's rules: a
    database changed after its refresh, or never refreshed, is never answered from a stale copy.
    Inside :func:`qingmiao_lib._steady.steady` (a report being built) the answer is looked up
    once, and the tables and stamps of every stored table in one statement
    (:func:`qingmiao_lib.provenance.database_facts`). On a read-only connection the tables and
    stamps, which cannot change while it is open, are read once for as long as it lives, and so
    is the answer for a table whose inputs are records alone (its stamp reads no rule:
    :func:`reads_rules`); for one whose inputs include rules it is computed every call, since the
    rules may change."""
    # a stamp that reads no rule fingerprints the file alone: on a read-only connection it is
    # computed once; one reading a rule, every call (or once per steady block) — computed once
    # for all the tables it stamps (the shortlist's pool and the eligibility share one)
    keep = remembered if reads_rules(stamp) else settled

    def current() -> bool:
        tables, meta = _tables_and_meta(con)
        stored = meta.get(f"{table}_stamp")
        return bool(table in tables and stored and stored == keep(con, ("stamp", stamp), lambda: con.execute(
            sql.load(f"snapshots/{stamp}")).fetchall()[0][0]))

    return keep(con, ("stored-current", table, stamp), current)


def stored_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A ``meta`` value :func:`refresh_snapshots` writes beside a stored table (e.g.
    ``quarter_masks_base``), read with the file's meta (:func:`_tables_and_meta`: no statement
    of its own); None when not set."""
    return _tables_and_meta(con)[1].get(key)


def stored_days(con: duckdb.DuckDBPyConnection, table: str) -> frozenset[dt.date]:
    """The dates a table :func:`refresh_snapshots` writes for some year ends holds, as it
    recorded them in ``meta`` (``<table>_days``, ISO dates joined by commas), read with the
    file's meta (:func:`_tables_and_meta`: no statement of its own)."""
    days = _tables_and_meta(con)[1].get(f"{table}_days") or ""
    return frozenset(dt.date.fromisoformat(d) for d in days.split(",") if d)


@cache
def reads_rules(stamp: str) -> bool:
    """Does ``sql/snapshots/<stamp>.sql`` read the connection's rules (a ``rule_…`` macro or
    table)? Read from its text, which is never changed."""
    return re.search(r"\brule_\w+", sql.load(f"snapshots/{stamp}")) is not None


def _tables_and_meta(con: duckdb.DuckDBPyConnection) -> tuple[frozenset[str], dict[str, str]]:
    """The file's tables and meta rows (of :func:`qingmiao_lib.provenance.database_facts`): on a
    read-only connection read once while it lives, else once per steady block."""
    def read():
        facts = database_facts(con)
        return facts.tables, facts.meta

    return settled(con, ("stored-tables",), read)
