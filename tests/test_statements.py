"""A county report runs at most 120 SQL statements (issue 22, item 6): counted with DuckDB's own
query log on one connection while the 2023 report of the demo county is rendered.

An empty log line is what ``.to_arrow_table()`` on an ``execute`` result logs (no statement), as
is a bare ``execute``: neither is counted."""

from __future__ import annotations

import collections
from functools import cache

import duckdb

import qingmiao_lib as qm
from qingmiao_lib import report

#: The most statements a county report may run (issue 22, item 6).
MOST = 120


def _logged(con) -> list[str]:
    rows = con.execute("select message from duckdb_logs where type = 'QueryLog'").fetchall()
    return [" ".join(m.split()) for (m,) in rows if m and m.strip() and m.strip().lower() != "execute"]


@cache
def _statements_of(name: str) -> tuple[str, ...]:
    """The statements of ``sql/<name>.sql`` as the query log writes them."""
    from qingmiao_lib import sql

    con = duckdb.connect()
    try:
        return tuple(" ".join(str(st.query).split()) for st in con.extract_statements(sql.load(name)))
    finally:
        con.close()


def _area_files() -> dict[str, tuple[str, ...]]:
    """Each file of the analysis areas' macros (qingmiao_lib._macros.AREAS) → its statements."""
    from qingmiao_lib import _macros

    return {name: _statements_of(name) for name in _macros.AREAS}


def _split(logged: list[str]) -> tuple[list[str], list[str]]:
    """The report's statements and the area files it made: those files' statements are a
    connection's set-up, made once per connection whether at connect or at an area's first query
    (qingmiao_lib._macros), and counted apart. A file counts as made where its first statement
    (its header comment with it) was logged; its statements are then taken off once each, so a
    pointer switched back later (use_<source>_live.sql, word for word its first definition)
    still counts."""
    logged_once = collections.Counter(logged)
    made = [name for name, sts in _area_files().items() if logged_once[sts[0]]]
    definitions = collections.Counter(st for name in made for st in _area_files()[name])
    rest = logged_once - definitions
    # made with them: the transaction id read before and after (is a transaction open?)
    for st in _statements_of("base/transaction_id"):
        rest.pop(st, None)
    ran = []
    for m in logged:
        if rest[m] > 0:
            ran.append(m)
            rest[m] -= 1
    return ran, made


def _statements(con) -> list[str]:
    return _split(_logged(con))[0]


def test_a_county_report_runs_at_most_120_statements(demo_db):
    con = qm.connect(demo_db)
    con.execute("CALL enable_logging('QueryLog')")
    html = report.render_report(con, year=2023)
    logged = _logged(con)
    ran, made = _split(logged)
    con.close()
    # the area macros the report's queries call were made once each (no file made twice)
    heads = collections.Counter(m for m in logged if m in {_area_files()[name][0] for name in made})
    assert made and max(heads.values()) == 1, heads.most_common(3)
    assert "<html" in html
    top = collections.Counter(m[:90] for m in ran).most_common(8)
    assert len(ran) <= MOST, f"{len(ran)} statements; the most repeated: {top}"
    # the steps of issue 22 item 6, each read once per report
    once = ("-- base/table_checksums.sql", "-- base/database_facts.sql", "-- projection/states.sql",
            "-- projection/stocks.sql", "-- projection/transitions.sql", "-- base/area_rules.sql")
    for head in once:
        assert sum(m.startswith(head) for m in ran) == 1, head
    assert not any(m.startswith("-- structure/dimensions.sql") for m in ran)     # a definition
    assert sum("shortlist.priorities" in m and m.startswith("select") for m in ran) <= 1
