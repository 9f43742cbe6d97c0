"""QINGMIAO_THREADS and QINGMIAO_MEMORY cap DuckDB's threads and memory per connection (a machine
shared with other work, a national-scale database on a budget)."""

from __future__ import annotations

import pytest

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


def test_the_environment_caps_duckdbs_memory(monkeypatch):
    monkeypatch.setenv("QINGMIAO_MEMORY", "300MB")
    with qm.connect(":memory:", create=True) as con:
        limit = con.execute("select current_setting('memory_limit')").fetchall()[0][0]
    assert limit.replace(" ", "") in {"286.1MiB", "300.0MB"}   # DuckDB shows it in MiB
    monkeypatch.setenv("QINGMIAO_MEMORY", "2GiB")
    with qm.connect(":memory:", create=True) as con:
        assert con.execute("select current_setting('memory_limit')").fetchall()[0][0].replace(" ", "") == "2.0GiB"


def test_a_memory_cap_that_is_not_a_size_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("QINGMIAO_MEMORY", "lots")
    with pytest.raises(qm.QingmiaoError, match="QINGMIAO_MEMORY"):
        qm.connect(":memory:", create=True)
