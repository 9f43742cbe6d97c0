"""Widgets only wire: changing a control re-queries and updates the FigureWidget in place."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go

import qingmiao_lib as qm
from qingmiao_lib.widgets import replace
from qingmiao_lib.widgets import structure as ws


def test_replace_updates_in_place_and_handles_other_trace_types():
    fw = go.FigureWidget(go.Figure(go.Bar(x=[1, 2], y=[3, 4])))
    same = fw
    replace(fw, go.Figure([go.Bar(x=[1], y=[9]), go.Bar(x=[2], y=[8])]))
    assert fw is same and len(fw.data) == 2 and list(fw.data[0].y) == [9]
    replace(fw, go.Figure(go.Scatter(x=[0], y=[1])))
    assert [t.type for t in fw.data] == ["scatter"]


def test_cohort_explorer_updates_when_the_unit_kind_changes(demo_db):
    con = qm.connect(demo_db)
    box = ws.cohort_explorer(con, as_of=dt.date(2023, 12, 31))
    pyramid = box.figures["pyramid"]

    def total() -> int:  # men are drawn to the left (negative x), women to the right
        return int(sum(abs(v) for t in pyramid.data for v in t.x))

    everyone = total()
    young = qm.structure.headcount(con, as_of=dt.date(2023, 12, 31), young=True)
    assert everyone == int(young["persons"].sum())
    box.controls["unit_kind"].value = "乡镇街道"
    towns = qm.structure.headcount(con, as_of=dt.date(2023, 12, 31), young=True, unit_kind="乡镇街道")
    assert total() == int(towns["persons"].sum()) < everyone     # updated in place
    assert box.figures["pyramid"] is pyramid
    con.close()
