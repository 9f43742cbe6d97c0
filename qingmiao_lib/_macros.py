"""The SQL macros of a connection: the base layer's at connect, each analysis area's when a
query first needs it.

Creating a macro is not free: DuckDB binds its body, nested macros included, so the analysis
areas' macros cost ~190 ms per connection (the weekly lecture's alone ~40 ms) against ~25 ms
for the base layer's. A command that lists units, a notebook that reads headcounts or an import
of a few rows needs few or none of them. So :func:`qingmiao_lib.db.connect` creates the base
layer's (:data:`CORE`: ``age_on``, ``rule_num``, ``person_snapshot`` … which a user's own SQL
may call), and :func:`ensure` creates the others (:data:`AREAS`) the first time a statement on
the connection names one: the query layer (:func:`qingmiao_lib._query.fetch_text`), the
pointer switches (:func:`qingmiao_lib._query.reading`), :func:`install_once` and the stored
layer's writers call it with the text they are about to run.

Which file a statement needs is read from the SQL texts themselves, never edited: every
``create … macro NAME`` of :data:`AREAS` names its file, and a text needs the files of the
names it calls (``NAME(``), with theirs in turn, created in the order of :data:`AREAS` (a
macro is bound when created, so what it calls must exist first). ``ensure(con, "all")``
creates every one (:func:`install_all`).
"""

from __future__ import annotations

import re
import weakref
from functools import cache

import duckdb

from . import _steady, sql

#: The base layer's macros, created at connect (in this order: each may call the earlier ones).
CORE = (
    "base/macros", "base/records_span", "base/person_core", "base/person_rank", "base/person_post",
    "base/person_pools",
    "base/person_snapshot_live", "base/person_snapshot", "base/leadership_steps",
)
#: Each analysis area's table and scalar macros, in dependency order, created on first use.
AREAS = (
    "structure/dimensions", "structure/in_slice", "structure/series_persons", "structure/series_full",
    "structure/series_stored",
    "training/people", "training/in_slice", "training/leadership_steps", "training/year_courses",
    "training/course_years",
    "training/obligations",
    "training/lecture_months",
    "evaluation/valid_grades", "evaluation/valid_quarter_grades", "evaluation/excellent_runs",
    "evaluation/age_group", "evaluation/slice", "evaluation/quarter_masks", "evaluation/merit_matches",
    "pipeline/years_months", "pipeline/eligibility_on",
)

#: the names :func:`install_once` ran on each connection (temporary macros live as long as it)
INSTALLED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

_DEFINED = re.compile(r"create\s+(?:or\s+replace\s+)?(?:temp|temporary)\s+macro\s+(\w+)", re.I)
_CALLED = re.compile(r"\b(\w+)\s*\(")


@cache
def _defined_in() -> dict[str, str]:
    """Each macro name of :data:`AREAS` → the file that creates it (the first, in order)."""
    found: dict[str, str] = {}
    for name in AREAS:
        for macro in _DEFINED.findall(sql.load(name)):
            found.setdefault(macro.lower(), name)
    return found


@cache
def _calls(text: str) -> frozenset[str]:
    """The files of :data:`AREAS` whose macros ``text`` calls directly."""
    defined = _defined_in()
    return frozenset(defined[n] for n in map(str.lower, _CALLED.findall(text)) if n in defined)


@cache
def needs(text: str) -> tuple[str, ...]:
    """The files of :data:`AREAS` that must exist before ``text`` runs, in creation order."""
    wanted: set[str] = set()
    todo = list(_calls(text))
    while todo:
        name = todo.pop()
        if name not in wanted:
            wanted.add(name)
            todo.extend(_calls(sql.load(name)) - {name})
    return tuple(name for name in AREAS if name in wanted)


def ensure(con: duckdb.DuckDBPyConnection, text: str) -> None:
    """Create on ``con`` the area macros ``text`` calls that it does not have yet (with those
    they call). Costs a set lookup once a connection has them."""
    files = needs(text)
    if not files:
        return
    _settle(con)
    done = INSTALLED.setdefault(con, set())
    _create(con, [(name, sql.load(name)) for name in files if name not in done])


def install_all(con: duckdb.DuckDBPyConnection) -> None:
    """Create every area macro on ``con`` now (for SQL of one's own that calls them, e.g.
    ``training_obligations(…)``, outside the library's queries), and point the names the
    library's queries switch to a stored table (:func:`qingmiao_lib._query.reading`) back at
    their live computation, which answers on any date: call it again before such SQL if a
    library analysis ran in between."""
    _settle(con)
    done = INSTALLED.setdefault(con, set())
    _create(con, [(name, sql.load(name)) for name in AREAS if name not in done])
    rest(con)


def rest(con: duckdb.DuckDBPyConnection) -> None:
    """Point every source's names that the library's queries switched to another variant
    (:func:`qingmiao_lib._query.reading`) back at their live computation."""
    pointing = _steady.pointing(con)
    for source, variant in list(pointing.items()):
        if variant != "live":
            area, family = source.split("/")
            con.execute(sql.load(f"{area}/use_{family}_live"))
        del pointing[source]


def install_once(con: duckdb.DuckDBPyConnection, name: str, text: str) -> None:
    """Run the macro definitions ``text`` on ``con`` unless ``name`` was installed on it already
    (with the area macros it calls, :func:`ensure`). The twins reading a stored table are
    created when first used, not at connect: a macro is bound when created, so only once the
    table exists (the names are kept per connection object, in Python: no statement to ask;
    listing duckdb_functions() is slow)."""
    _settle(con)
    done = INSTALLED.setdefault(con, set())
    if name in done:
        return
    ensure(con, text)
    if name not in done:            # (ensure made it, when ``name`` is an area file)
        _create(con, [(name, text)])


#: per connection: [the id of an explicit transaction some macros were made in, their names]
_PENDING: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _create(con: duckdb.DuckDBPyConnection, files: list[tuple[str, str]]) -> None:
    """Run each ``(name, text)`` and remember ``name``. DuckDB rolls back a ``create macro``
    with its transaction: made inside an explicit one (the transaction id the same before and
    after), the names are held as pending until :func:`_settle` sees that transaction end."""
    if not files:
        return
    done = INSTALLED.setdefault(con, set())
    before = transaction(con)
    for name, text in files:
        con.execute(text)
        done.add(name)
    _made_again(con, files)
    if transaction(con) == before:
        pending = _PENDING.get(con)
        if pending is None or pending[0] != before:
            pending = _PENDING[con] = [before, set()]
        pending[1].update(name for name, _ in files)


def _settle(con: duckdb.DuckDBPyConnection) -> None:
    """Once the transaction that pending macros were made in has ended — committed, or rolled
    back and the macros gone with it — forget them, so that what needs them makes them again
    (``create or replace``: the same either way). One statement, and only while some are
    pending."""
    pending = _PENDING.get(con)
    if pending is None or transaction(con) == pending[0]:
        return
    del _PENDING[con]
    INSTALLED.get(con, set()).difference_update(pending[1])


def transaction(con: duckdb.DuckDBPyConnection) -> int:
    """The id of ``con``'s current transaction (``sql/base/transaction_id.sql``): a new one for
    each statement outside an explicit transaction, the same inside one."""
    return con.execute(sql.load("base/transaction_id")).fetchall()[0][0]


@cache
def _pointer_names(source: str) -> frozenset[str]:
    """The names ``source``'s pointers define (``sql/<area>/use_<family>_live.sql``)."""
    area, family = source.split("/")
    return frozenset(n.lower() for n in _DEFINED.findall(sql.load(f"{area}/use_{family}_live")))


def _made_again(con: duckdb.DuckDBPyConnection, files: list[tuple[str, str]]) -> None:
    """A file that defines a source's pointers (an area file defines them at rest, on the live
    computation) resets where :func:`qingmiao_lib._steady.pointing` says they point."""
    pointing = _steady.pointing(con)
    if not pointing:
        return
    made = {n.lower() for _, text in files for n in _DEFINED.findall(text)}
    for source in [s for s in pointing if _pointer_names(s) & made]:
        del pointing[source]
