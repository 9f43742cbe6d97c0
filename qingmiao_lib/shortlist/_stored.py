"""The shortlist's pool stored on 31 December (issue 21: one rank ≤ 1 s at 1,000,000 persons).

What the shortlist reads of each active person — the eligibility's verdict and tenure and the
三优先 measures of the candidates (``shortlist_pool_live``, ``sql/shortlist/pool.sql``) — costs
a pass over the whole history of every person (posts, grades, tasks, postings, supervision). It
is stored, like the base layer, on the latest ``POOL_YEARS`` year ends
:func:`qingmiao_lib.db.refresh_snapshots` stores (table ``shortlist_pool``, stamped in
``meta``), and the shortlist reads the stored rows
on such a date while the stamp still matches the records and the rules of the connection
(``sql/snapshots/shortlist_stamp.sql``); any other date, or a stale table, is computed from the
records. Two named macros, one switch: ``shortlist_pool`` points at ``shortlist_pool_stored``
inside :func:`reading` and at ``shortlist_pool_live`` between queries; both give the same rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence

import duckdb

from .. import sql
from ..db import install_once, set_meta, stored_current

TABLE, STAMP = "shortlist_pool", "shortlist_stamp"


def store(con: duckdb.DuckDBPyConnection, *, days: Sequence[dt.date]) -> None:
    """Write the table ``shortlist_pool`` anew with the pool on each of ``days`` (the stored
    year ends; empty: an empty table) and its stamp in ``meta``. The shortlist's macros must be
    installed on ``con``; each day's eligibility reads what the library's calls read."""
    from ..pipeline import _eligibility_sources

    con.execute(sql.load(f"snapshots/{TABLE}"))
    for day in days:
        with _eligibility_sources(con, day):
            con.execute(sql.load("snapshots/shortlist_pool_store"), {"d": day})
    set_meta(con, **{f"{TABLE}_stamp": con.execute(sql.load(f"snapshots/{STAMP}")).fetchall()[0][0]})


def current(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> bool:
    """May the shortlist on ``as_of`` read the stored pool? Only when the table exists, its
    stamp matches the records and this connection's rules, and it holds ``as_of``."""
    if not stored_current(con, TABLE, STAMP):
        return False
    return bool(con.execute(sql.load("shortlist/pool_date"), {"as_of": as_of}).fetchall()[0][0])


@contextlib.contextmanager
def sources(con: duckdb.DuckDBPyConnection, as_of: dt.date, *, stored: bool | None = None) -> Iterator[None]:
    """Where the shortlist's queries inside the block read from (the same answers either way):
    the pool stored on ``as_of`` while it is current (:func:`reading`; ``stored=False`` forces
    the records), and for ``eligibility_on`` the stored snapshot rows and grade masks when they
    are current (the eligibility's own switch, :func:`qingmiao_lib.pipeline._eligibility_sources`)."""
    from ..pipeline import _eligibility_sources

    with _eligibility_sources(con, as_of), reading(con, as_of, stored=stored):
        yield


@contextlib.contextmanager
def reading(con: duckdb.DuckDBPyConnection, as_of: dt.date, *, stored: bool | None = None) -> Iterator[None]:
    """Run the queries of the block on the stored pool when it may be read on ``as_of``
    (:func:`current`; ``stored=False`` forces the records, for the tests that hold both to the
    same answer), and point ``shortlist_pool`` back at the records after it, whatever happens."""
    if stored is None:
        stored = current(con, as_of)
    if not stored:
        yield
        return
    install_once(con, "shortlist_pool_stored", sql.load("shortlist/pool_stored"))
    con.execute(sql.load("shortlist/use_pool_stored"))
    try:
        yield
    finally:
        con.execute(sql.load("shortlist/use_pool_live"))
