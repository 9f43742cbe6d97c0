"""The eligibility stored on year ends: every active person's eligibility on the latest
``shortlist.POOL_YEARS`` year ends :func:`qingmiao_lib.db.refresh_snapshots` stores (table
``eligibility_snapshots``, stamped in ``meta``), so that the list, the counts and the eligibility
explorer on such a date read one row per person instead of judging everyone from the history
(~2 s of CPU at 1,000,000 persons; issues 22 and 23). The stored rows are those of
``eligibility_on_live`` for the whole database as one jurisdiction, read through
``eligibility_on_stored`` (``sql/pipeline/eligibility_stored.sql``) while the stamp still
matches the records and the rules of the connection (``sql/snapshots/shortlist_stamp.sql``, the
fingerprint of everything the eligibility reads); any other date, a stale table or a judgement
per county is computed from the records (:func:`qingmiao_lib.pipeline._eligibility_sources`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb

from .. import _query, db, sql
from .._macros import ensure
from .._steady import settled

TABLE, STAMP = "eligibility_snapshots", "shortlist_stamp"


def store(con: duckdb.DuckDBPyConnection, *, days: Sequence[dt.date]) -> None:
    """Write the table ``eligibility_snapshots`` anew with the eligibility on each of ``days``
    (stored year ends, whose base layer and grade masks are already stored; empty: an empty
    table) and its stamp in ``meta``. Each day is computed as the library's calls compute it."""
    from .screening import _eligibility_sources  # late: screening reads current() below

    ensure(con, sql.load("snapshots/eligibility"))   # the eligibility's macros
    con.execute(sql.load("snapshots/eligibility"))
    for day in days:
        with _eligibility_sources(con, day):
            con.execute(sql.load("snapshots/eligibility_store"), {"d": day})
    db.set_meta(con, **{f"{TABLE}_stamp": con.execute(sql.load(f"snapshots/{STAMP}")).fetchall()[0][0],
                        f"{TABLE}_days": ",".join(d.isoformat() for d in days)})


def current(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> bool:
    """May the eligibility on ``as_of`` of the whole database be read from the stored rows? Only
    when the table exists, its stamp matches the records and this connection's rules, and it
    holds ``as_of`` (the dates recorded in ``meta`` with it). On a read-only connection (whose
    records cannot change) the answer is kept per date and version of the rules (the stamp reads
    the rules by their version)."""
    def compute() -> bool:
        return as_of in db.stored_days(con, TABLE) and db.stored_current(con, TABLE, STAMP)

    return settled(con, ("eligibility-stored", _query.rules(con).version, as_of), compute)
