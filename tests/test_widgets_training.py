"""The coverage explorer (``qingmiao_lib.widgets.training``): a view — year, units, cohorts — is
asked of the database once; the rule, unit-kind and status dropdowns select from it, and show
exactly the gap list the library answers for that choice."""

from __future__ import annotations

import itertools

import pytest

import qingmiao_lib as qm
from qingmiao_lib import _query, training
from qingmiao_lib.widgets import training as wt

RULES = [("全部", None), *[(r, r) for r in training.RULES]]
KINDS = [("全部", None), *[(k, k) for k in training.UNIT_KINDS]]


def _html(table) -> str:
    return table.set_uuid("t").to_html()     # a Styler's random id apart, the table as shown


@pytest.fixture
def shown(monkeypatch):
    """What the explorer displays under its heat table, newest last."""
    tables = []
    monkeypatch.setattr(wt, "display", tables.append)
    return tables


def _refuse_queries(monkeypatch):
    def asked(*_a, **_k):
        pytest.fail("asked the database")
    for name in ("coverage_matrix", "gap_list"):
        monkeypatch.setattr(training, name, asked)
    monkeypatch.setattr(_query, "fetch_text", asked)        # every named query passes here


def test_every_choice_of_a_view_lists_what_the_library_answers(demo_db):
    # the first rows of each cell, selected, are the first rows of any choice's own list; the
    # matrix counts its length (a list longer than the rows shown says how long it is)
    con = qm.connect(demo_db)
    filters = {"units": None, "cohorts": None, "target_ids": None}
    matrix, heads = wt._view(con, year=2023, filters=filters)
    cut = 0
    for rule, kind, status in itertools.product(RULES, KINDS, wt._STATUSES):
        picked = wt._listed(matrix, heads, year=2023, rule=rule, kind=kind, status=status)
        asked = wt._gaps(con, year=2023, rule=rule, kind=kind, status=status, filters=filters)
        assert _html(picked) == _html(asked), (rule, kind, status)
        cut += "显示前" in _html(asked)
    assert cut > 0                                   # some lists are longer than the rows shown
    con.close()


def test_a_named_target_group_and_a_slice_list_alike(demo_db):
    con = qm.connect(demo_db)
    everyone = training.gap_list(con, year=2023, statuses=None)
    targets = everyone["person_id"].drop_duplicates().head(60).tolist()
    cohorts = sorted({int(c) for c in everyone["entry_cohort"].dropna()})[-3:]
    filters = {"units": None, "cohorts": cohorts, "target_ids": targets}
    matrix, heads = wt._view(con, year=2022, filters=filters)
    assert "专门业务培训" in set(heads["rule"])
    for rule, status in itertools.product(RULES, wt._STATUSES):
        for kind in (KINDS[0], KINDS[1]):
            picked = wt._listed(matrix, heads, year=2022, rule=rule, kind=kind, status=status)
            asked = wt._gaps(con, year=2022, rule=rule, kind=kind, status=status, filters=filters)
            assert _html(picked) == _html(asked), (rule, kind, status)
    con.close()


def test_changing_rule_kind_or_status_asks_the_database_nothing(demo_db, monkeypatch, shown):
    con = qm.connect(demo_db)
    box = wt.coverage_explorer(con, year=2023, years=[2022, 2023])
    c = box.controls
    rule = RULES[4][1]
    expected = wt._gaps(con, year=2023, rule=(f"{rule}（{training.RULES[rule]}）", rule), kind=KINDS[1],
                        status=wt._STATUSES[2], filters={"units": None, "cohorts": None, "target_ids": None})
    _refuse_queries(monkeypatch)
    c["rule"].value = rule
    c["unit_kind"].value = KINDS[1][1]
    c["status"].value = wt._STATUSES[2][1]
    assert _html(shown[-1]) == _html(expected)
    con.close()


def test_a_view_seen_lately_is_remembered(demo_db, monkeypatch, shown):
    con = qm.connect(demo_db)
    box = wt.coverage_explorer(con, year=2023, years=[2022, 2023])
    heat = box.figures["coverage"]
    first = (heat.data[0].to_plotly_json(), _html(shown[-1]))
    calls = []
    real = training.gap_list
    monkeypatch.setattr(training, "gap_list", lambda *a, **k: calls.append(k) or real(*a, **k))
    box.controls["year"].value = 2022                # another view: asked once
    assert len(calls) == 1 and calls[0]["per_cell"] == wt.GAP_ROWS
    box.controls["year"].value = 2023                # back to one seen: remembered
    assert len(calls) == 1
    assert (heat.data[0].to_plotly_json(), _html(shown[-1])) == first
    con.close()
