"""What a connection's analysis calls need not look up again.

- A steady block: a block in which a connection's rules and records do not change (a report
  being built), so that what every analysis call would look up again — the typed rules, whether
  a stored table is current — is looked up once (:func:`steady`, :func:`remembered`).
- A read-only connection: its file's tables cannot change while it is open (DuckDB lets no
  process write a file that another holds open), so what depends on them alone — which dates the
  table ``snapshots`` holds, the tables and ``meta`` rows of the file — is looked up once for
  as long as the connection lives (:func:`settled`). Never what depends on the rules: they are
  the connection's own temporary tables, which a what-if may change.
- Where each stored-or-live source's names point (:func:`pointing`), kept between queries.

Kept apart from :mod:`qingmiao_lib._query` so that :mod:`qingmiao_lib.db` can read it too."""

from __future__ import annotations

import contextlib
import functools
import weakref
from collections.abc import Iterator

import duckdb

#: the memo of each connection inside :func:`steady` (nothing is kept outside one)
_STEADY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: the memo of each connection opened read-only (:func:`read_only`), kept as long as it lives
_SETTLED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: per connection: the variant each source's names point at (:func:`pointing`)
_POINTING: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@contextlib.contextmanager
def steady(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """A block in which the connection's rules and records do not change — a report being
    built, a batch of them: what each analysis call would otherwise look up again (the typed
    rules, whether a stored table is current) is looked up once and remembered until the block
    ends. Nested blocks share the outer one's memo. Never use it around a what-if that changes
    the rules or the records."""
    if con in _STEADY:
        yield
        return
    _STEADY[con] = {}
    try:
        yield
    finally:
        _STEADY.pop(con, None)


def one_call(fn):
    """An analysis call as a :func:`steady` block of its own (``fn(con, ...)``): what it would
    look up twice — the typed rules for its date and for its attrs, a stored table's stamp — is
    looked up once (~1 ms a call at the demo scale). Nothing is kept after the call."""

    @functools.wraps(fn)
    def call(con, *args, **kwargs):
        with steady(con):
            return fn(con, *args, **kwargs)

    return call


def memo_of(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The memo of ``con``'s :func:`steady` block, or None outside one."""
    return _STEADY.get(con)


def remembered(con: duckdb.DuckDBPyConnection, key, compute):
    """``compute()``, remembered under ``key`` for the rest of a :func:`steady` block (computed
    every time outside one)."""
    memo = _STEADY.get(con)
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def read_only(con: duckdb.DuckDBPyConnection) -> None:
    """Mark ``con`` as opened read-only (:func:`qingmiao_lib.db.connect` does): what
    :func:`settled` computes on it is kept for as long as it lives."""
    _SETTLED[con] = {}


def is_read_only(con: duckdb.DuckDBPyConnection) -> bool:
    """Was ``con`` marked as opened read-only (:func:`read_only`)?"""
    return con in _SETTLED


def settled(con: duckdb.DuckDBPyConnection, key, compute):
    """``compute()`` — which must depend on the file's tables alone, or on rules whose values
    are part of ``key`` (a what-if changing them then misses the memo) — kept for as long as
    ``con`` lives when it was opened read-only (its tables cannot change), else as
    :func:`remembered` (once per steady block)."""
    memo = _SETTLED.get(con)
    if memo is None:
        return remembered(con, key, compute)
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def pointing(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Where each source of :data:`qingmiao_lib._query.SOURCES` that was switched on ``con``
    points now (source → variant; a source not in it points at its live computation). Read and
    changed by :func:`qingmiao_lib._query.reading` only, and by
    :mod:`qingmiao_lib._macros` when it makes a pointer again or puts them all at rest."""
    return _POINTING.setdefault(con, {})
