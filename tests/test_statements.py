"""A county report runs at most 120 SQL statements (issue 22, item 6): counted with DuckDB's own
query log on one connection while the 2023 report of the demo county is rendered.

An empty log line is what ``.to_arrow_table()`` on an ``execute`` result logs (no statement), as
is a bare ``execute``: neither is counted."""

from __future__ import annotations

import collections

import qingmiao_lib as qm
from qingmiao_lib import report

#: The most statements a county report may run (issue 22, item 6).
MOST = 120


def _statements(con) -> list[str]:
    rows = con.execute("select message from duckdb_logs where type = 'QueryLog'").fetchall()
    return [" ".join(m.split()) for (m,) in rows if m and m.strip() and m.strip().lower() != "execute"]


def test_a_county_report_runs_at_most_120_statements(demo_db):
    con = qm.connect(demo_db)
    con.execute("CALL enable_logging('QueryLog')")
    html = report.render_report(con, year=2023)
    ran = _statements(con)
    con.close()
    assert "<html" in html
    top = collections.Counter(m[:90] for m in ran).most_common(8)
    assert len(ran) <= MOST, f"{len(ran)} statements; the most repeated: {top}"
    # the steps of issue 22 item 6, each read once per report
    once = ("-- base/table_checksums.sql", "-- base/database_facts.sql", "-- projection/states.sql",
            "-- projection/stocks.sql", "-- projection/transitions.sql", "-- base/area_rules.sql")
    for head in once:
        assert sum(m.startswith(head) for m in ran) == 1, head
    assert not any(m.startswith("-- structure/dimensions.sql") for m in ran)     # made at connect
    assert sum("shortlist.priorities" in m and m.startswith("select") for m in ran) <= 1
