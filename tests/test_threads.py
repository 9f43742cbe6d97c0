"""QINGMIAO_THREADS caps DuckDB's threads per connection (a machine shared with other work)."""

from __future__ import annotations

import qingmiao_lib as qm


def test_the_environment_caps_duckdbs_threads(monkeypatch):
    monkeypatch.setenv("QINGMIAO_THREADS", "1")
    with qm.connect(":memory:", create=True) as con:
        assert con.execute("select current_setting('threads')").fetchall()[0][0] == 1
    monkeypatch.setenv("QINGMIAO_THREADS", "3")
    with qm.connect(":memory:", create=True) as con:
        assert con.execute("select current_setting('threads')").fetchall()[0][0] == 3
    monkeypatch.setenv("QINGMIAO_THREADS", "many")      # not a number: DuckDB's own default
    with qm.connect(":memory:", create=True) as con:
        assert con.execute("select current_setting('threads')").fetchall()[0][0] >= 1
