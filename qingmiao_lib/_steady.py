"""A steady connection: a block in which a connection's rules and records do not change (a
report being built), so that what every analysis call would look up again — the typed rules,
whether a stored table is current — is looked up once (:func:`steady`, :func:`remembered`).
Kept apart from :mod:`qingmiao_lib._query` so that :mod:`qingmiao_lib.db` can read it too."""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterator

import duckdb

#: the memo key of what to run when the block ends (by name: put back what it changed)
UNDO = "undo"
#: the memo of each connection inside :func:`steady` (nothing is kept outside one)
_STEADY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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
    _STEADY[con] = memo = {}
    try:
        yield
    finally:
        _STEADY.pop(con, None)
        for undo in memo.get(UNDO, {}).values():    # what the block left pointing elsewhere
            undo()


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
