"""Widgets only wire: changing a control re-queries and updates the FigureWidget in place."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import plotly.graph_objects as go
import pytest
import traitlets

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
    # the layout is the new figure's: its keys set, keys the new figure lacks gone, template kept
    replace(fw, go.Figure(go.Bar(x=[1], y=[2]), layout={"title": {"text": "甲"}, "barmode": "stack",
                                                         "annotations": [{"text": "注", "x": 0, "y": 0}]}))
    replace(fw, go.Figure(go.Bar(x=[1], y=[2]), layout={"title": {"text": "乙"}}))
    lay = fw.layout.to_plotly_json()
    assert lay["title"]["text"] == "乙" and not lay.get("annotations") and "barmode" not in lay
    assert fw.layout.template.layout.plot_bgcolor == "white"      # the workbench's plotly_white


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
    towns = qm.structure.headcount(con, as_of=dt.date(2023, 12, 31), young=True, unit_kinds=["乡镇街道"])
    assert total() == int(towns["persons"].sum()) < everyone     # updated in place
    assert box.figures["pyramid"] is pyramid
    con.close()


# ------------------------------------------------------------------------------ export mode

def _same_figure(a, b) -> bool:
    def plain(fig):  # a FigureWidget gives its traces uids
        d = json.loads(go.Figure(fig).to_json())
        return {"data": [{k: v for k, v in t.items() if k != "uid"} for t in d["data"]],
                "layout": d["layout"]}
    return plain(a) == plain(b)


def test_export_mode_draws_the_explorers_figures_without_widgets(demo_db, monkeypatch):
    import ipywidgets

    from qingmiao_lib.widgets import Static
    from qingmiao_lib.widgets import evaluation as we
    from qingmiao_lib.widgets import pipeline as wp
    from qingmiao_lib.widgets import training as wt

    con = qm.connect(demo_db)
    day = dt.date(2023, 12, 31)
    inside = {"export": True, "audience": "internal"}   # exact counts: the live figures
    pairs = [
        (ws.cohort_explorer(con, as_of=day), ws.cohort_explorer(con, as_of=day, **inside)),
        (wt.coverage_explorer(con, year=2023), wt.coverage_explorer(con, year=2023, **inside)),
        (we.dashboard(con, year=2023, years=[2022, 2023]),
         we.dashboard(con, year=2023, years=[2022, 2023], **inside)),
        (wp.eligibility_explorer(con, as_of=day), wp.eligibility_explorer(con, as_of=day, **inside)),
        (wp.profile_picker(con, as_of=day), wp.profile_picker(con, as_of=day, **inside)),
    ]
    for box, static in pairs:
        assert isinstance(static, Static)
        keys = box.figures.keys() if isinstance(box.figures, dict) else range(len(box.figures))
        assert len(static.figures) == len(box.figures) > 0
        for k in keys:   # the same figure the widget first shows, as a plain go.Figure
            assert type(static.figures[k]) is go.Figure
            assert _same_figure(static.figures[k], box.figures[k])
        ctl = box.controls.items() if isinstance(box.controls, dict) else enumerate(box.controls)
        for k, control in ctl:   # the values it was drawn with, read like the controls
            if not isinstance(control, ipywidgets.Combobox):
                assert static.controls[k].value == control.value, k
    # no widget is created in export mode (a widget without a kernel is dead)
    created = []
    monkeypatch.setattr(ipywidgets.Widget, "open", lambda self: created.append(self))
    ws.cohort_explorer(con, as_of=day, export=True)
    wt.coverage_explorer(con, year=2023, export=True)
    we.person_picker(con, year=2023, export=True)
    wp.profile_picker(con, as_of=day, export=True)
    assert created == []
    con.close()


def test_circulated_explorers_protect_their_figures_and_withhold_persons(demo_db):
    from qingmiao_lib.published import protect_figure
    from qingmiao_lib.widgets import evaluation as we
    from qingmiao_lib.widgets import pipeline as wp

    con = qm.connect(demo_db)
    day = dt.date(2023, 12, 31)
    live = ws.cohort_explorer(con, as_of=day)
    static = ws.cohort_explorer(con, as_of=day, export=True)          # circulation by default
    for k in live.figures:
        assert _same_figure(static.figures[k], protect_figure(go.Figure(live.figures[k]), 5))
    bars = static.figures["bars"]
    assert [t.name for t in bars.data][-1] == "未显示"                  # 00后 and 70前 women are < 5
    assert not any(v is not None and 0 < abs(v) < 5 for t in bars.data[:-1] for v in t.y)
    for picker in (wp.profile_picker(con, as_of=day, export=True), we.person_picker(con, year=2023, export=True)):
        assert not picker.figures and "传阅版不含" in picker.items[0].data
    eligible = wp.eligibility_explorer(con, as_of=day, export=True)
    assert "传阅版不含" in eligible.items[-1].data and "满足任职年限人员名单" in eligible.items[-1].data
    con.close()


def test_export_mode_masks_names_whatever_was_asked(demo_db, capsys):
    from qingmiao_lib.widgets import evaluation as we
    from qingmiao_lib.widgets import full_names
    from qingmiao_lib.widgets import pipeline as wp

    assert full_names(True, export=False) and not full_names(False, export=False)
    assert not full_names(True, export=True) and "隐去姓名" in capsys.readouterr().out
    assert not full_names(True, export=True, audience="internal")
    assert full_names(False, export=True, audience="unmasked")      # --unmasked, stamped
    con = qm.connect(demo_db)
    names = {n for (n,) in con.execute("select name from persons").fetchall() if len(n) >= 2}
    day = dt.date(2023, 12, 31)
    inside = {"export": True, "audience": "internal"}   # lists shown, names masked
    profile = wp.profile_picker(con, as_of=day, unmasked=True, **inside)
    listing = wp.eligibility_explorer(con, as_of=day, unmasked=True, **inside)
    record = we.person_picker(con, year=2023, show_names=True, **inside)
    for static in (profile, listing, record):
        shown = static.caption + " ".join(
            item.to_json() if isinstance(item, go.Figure)
            else item.to_html() if hasattr(item, "to_html") else str(item) for item in static.items)
        assert not [n for n in names if n in shown]
    assert "*" in profile.caption and "*" in record.caption   # 张*明（GP…）
    con.close()


# ------------------------------------------------------------------------------ tables

def test_widget_tables_read_well(demo_db):
    """The lists under the explorers are labels.display_table tables: Chinese headers, no index,
    no NaN/<NA>/NaT or 00:00:00, names masked, a caption naming the choices and the count."""
    import re

    from pandas.io.formats.style import Styler

    from qingmiao_lib.widgets import evaluation as we
    from qingmiao_lib.widgets import pipeline as wp
    from qingmiao_lib.widgets import training as wt

    con = qm.connect(demo_db)
    day = dt.date(2023, 12, 31)
    gaps = qm.training.gap_list(con, year=2023, statuses=["missing"])
    due = qm.pipeline.eligibility(con, as_of=day, within_months=6)
    due = due[due["due_within"]]
    tables = {
        "gaps": wt.coverage_explorer(con, year=2023, export=True, audience="internal").items[-1],
        "eligible": wp.eligibility_explorer(con, as_of=day, unmasked=True, export=True,
                                            audience="internal").items[-1],
        "record": we.person_picker(con, year=2023, export=True, audience="internal").items[-1],
    }
    for key, table in tables.items():
        assert isinstance(table, Styler), key
        html = table.to_html()
        assert "row_heading" not in html and ">index<" not in html, key
        for bad in ("NaN", "NaT", "&lt;NA&gt;", "None", "00:00:00", "True", "False"):
            assert bad not in html, (key, bad)
        assert not [c for c in table.data.columns if re.fullmatch(r"[a-z_]+", str(c))], key

    caption = re.search(r"<caption>(.*?)</caption>", tables["gaps"].to_html()).group(1)
    shown = min(len(gaps), 50)
    assert caption == f"2023年 · 全部 · 全部 · 未完成：共 {len(gaps):,} 项" + (
        f"，显示前 {shown} 项" if len(gaps) > 50 else "")
    g = tables["gaps"].data
    assert len(g) == shown and g["截止日期"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert g["姓名"].str.contains(r"\*").all()
    assert g["录用年份"].str.fullmatch(r"(19|20)\d\d").all()   # a year, not 2,023
    assert g["已训天数"].str.fullmatch(r"\d+(\.\d)?|—").all()   # 0, 10.9: not 0.000, 10.875

    e = tables["eligible"]
    assert f"6 个月内满足任职年限：共 {len(due):,} 人" in e.to_html()
    assert len(e.data) == min(len(due), 15) and e.data["姓名"].str.contains(r"\*").all()
    assert set(e.data["可晋升"]) <= {"是", "否"}

    r = tables["record"].data
    assert {"年度", "本单位优秀率", "全辖区优秀率"} <= set(r.columns)
    assert r["本单位优秀率"].str.fullmatch(r"\d+\.\d%|—").all() and r["年度"].str.fullmatch(r"\d{4}").all()
    con.close()


def test_gap_table_caps_counts_and_masks():
    import pandas as pd

    from qingmiao_lib.widgets.training import gap_table

    rows = pd.DataFrame({"name": [f"张小{i}" for i in range(60)], "unit_name": ["河西镇"] * 60,
                         "rate": [0.5] * 60, "level": [None] * 60})
    t = gap_table(rows, columns=["name", "unit_name", "level", "rate"], caption="出勤率低于要求", unit="人")
    assert list(t.data.columns) == ["姓名", "单位", "出勤率"]      # an empty column is left out
    assert t.data.iloc[0].tolist() == ["张*0", "河西镇", "50.0%"] and len(t.data) == 50
    assert "<caption>出勤率低于要求：共 60 人，显示前 50 人</caption>" in t.to_html()


def test_eligibility_explorer_computes_a_date_once(demo_db, monkeypatch):
    # the first view computes every person's eligibility on the date once and holds it; another
    # rank, unit or horizon reads the held rows (a rank's or unit's figures need no new counts, a
    # horizon's are counted from the held rows), and a view seen before is remembered; a year
    # end's eligibility is stored in the database and read from there
    from qingmiao_lib import pipeline, sql
    from qingmiao_lib.widgets import pipeline as wp

    con = qm.connect(demo_db)
    holds, counts = [], []
    load, count = sql.load, pipeline.eligibility_counts
    monkeypatch.setattr(sql, "load", lambda name: (holds.append(name) if name == "pipeline/hold" else None)
                        or load(name))
    monkeypatch.setattr(pipeline, "eligibility_counts", lambda *a, **k: counts.append(k) or count(*a, **k))
    box = wp.eligibility_explorer(con, as_of=dt.date(2023, 6, 30))
    date, unit, rank, within = box.controls
    assert (len(holds), len(counts)) == (1, 1)      # the first view
    rank.value = rank.options[1][1]                 # another rank: the same counts, filtered
    unit.value = unit.options[1][1]                 # another unit: likewise
    assert (len(holds), len(counts)) == (1, 1)
    before = list(box.figures[1].data[0].y)
    within.value = within.value + 1                 # another horizon: counted from the held rows
    assert (len(holds), len(counts)) == (1, 2)
    within.value = within.value - 1                 # back to one seen before: remembered
    assert (len(holds), len(counts)) == (1, 2) and list(box.figures[1].data[0].y) == before
    date.value = dt.date(2023, 3, 31)               # another date: computed and held
    assert (len(holds), len(counts)) == (2, 3)
    date.value = dt.date(2023, 12, 31)              # a year end: its stored rows read, none held
    assert (len(holds), len(counts)) == (2, 4)
    con.close()


# ------------------------------------------------------------------------------ the unit picker

def test_unit_picker_lists_at_most_its_cap_finds_the_rest_and_changes_only_with_the_choice():
    from qingmiao_lib.widgets._units import MAX_LISTED, UnitPicker

    n = MAX_LISTED + 50
    options = [(f"单位{i:03d}", f"U{i:03d}") for i in range(n)]
    kinds = {u: ("乡镇街道" if i % 2 else "市直机关") for i, (_, u) in enumerate(options)}
    p = UnitPicker(options, kinds=kinds)
    seen = []
    p.observe(lambda c: seen.append(c["new"]), names="value")
    assert len(p.listed) == MAX_LISTED and "另有 50 个单位未列出" in p.note.value
    p.search.value = "单位24"                     # U240 … U249 lie beyond the cap: found by searching
    assert [u for _, u in p.listed] == [f"U24{i}" for i in range(10)] and p.note.value == ""
    assert seen == []                              # narrowing the list is no change of choice
    p.select.value = ("U245",)
    p.search.value = "单位00"                      # the picked unit stays listed, first
    assert [u for _, u in p.listed][:2] == ["U245", "U000"] and p.value == ("U245",)
    p.value = ("U245", "U001")                     # set from code: listed and selected
    assert p.select.value == ("U245", "U001")
    p.limit_to_kind("乡镇街道")                    # U001 and U245 are both towns (odd)
    assert p.value == ("U245", "U001")
    p.limit_to_kind("市直机关")                    # both dropped: one change
    assert p.value == () and seen == [("U245",), ("U245", "U001"), ()]
    p.search.value = ""
    assert {kinds[u] for _, u in p.listed} == {"市直机关"} and len(p.listed) == n // 2
    with pytest.raises(traitlets.TraitError, match="unknown unit"):
        p.value = ("X9",)


def test_the_profile_picker_lists_the_first_matches_of_what_was_typed(demo_db):
    # a picker lists what a person can read: at most PICKER_ROWS persons, those matching the
    # search box (person id, unit name; names only when shown), the first of them drawn
    from qingmiao_lib import pipeline
    from qingmiao_lib.widgets import pipeline as wp

    con = qm.connect(demo_db)
    day = dt.date(2023, 12, 31)
    everyone = pipeline.people(con, as_of=day, unmasked=True)
    assert len(everyone) > wp.PICKER_ROWS
    box = wp.profile_picker(con, as_of=day)
    search, choose = box.controls
    assert [p for _, p in choose.options] == everyone["person_id"].head(wp.PICKER_ROWS).tolist()
    unit_name = everyone["unit_name"].dropna().iloc[-1]
    search.value = unit_name
    in_unit = everyone[everyone["unit_name"].str.contains(unit_name, regex=False, na=False)]
    assert [p for _, p in choose.options] == in_unit["person_id"].head(wp.PICKER_ROWS).tolist()
    assert choose.value == in_unit["person_id"].iloc[0]
    assert box.figures[0].layout.title.text and "*" in choose.label        # masked, and drawn
    someone = everyone.iloc[7]
    search.value = someone["name"]                  # masked: a name finds nobody, nothing changes
    assert choose.value == in_unit["person_id"].iloc[0]
    shown = wp.profile_picker(con, as_of=day, unmasked=True)
    shown.controls[0].value = someone["name"]
    assert someone["person_id"] in [p for _, p in shown.controls[1].options]
    shown.controls[0].value = someone["person_id"]
    assert shown.controls[1].value == someone["person_id"]
    con.close()


def test_the_eligibility_explorer_views_a_unit(demo_db, monkeypatch):
    # a unit's figures are a selection of the whole jurisdiction's counts, which are what the
    # library answers for that unit; its list is the first rows of the unit's persons due, asked
    # of the eligibility held for the date, and its caption counts every one of them
    from qingmiao_lib import pipeline
    from qingmiao_lib.widgets import pipeline as wp

    con = qm.connect(demo_db)
    day = dt.date(2023, 12, 31)
    counts, _ = wp._frames(con, as_of=day, within=6)
    unit = counts["unit_id"].dropna().iloc[-1]
    asked = pipeline.eligibility_counts(con, as_of=day, units=[unit], within_months=6)
    pd.testing.assert_frame_equal(counts[counts["unit_id"] == unit].reset_index(drop=True), asked)
    listed = pipeline.eligibility(con, as_of=day, units=[unit], within_months=6)
    due = listed[listed["due_within"]].reset_index(drop=True)
    assert len(due) > 3 and int(asked["due_within"].sum()) == len(due)
    first = wp._due(con, as_of=day, unit=unit, rank=None, within=6, rows=3)
    pd.testing.assert_frame_equal(first, due.head(3), check_dtype=False)   # (a column with a
    rank = due["next_rank"].iloc[-1]                                        # NULL elsewhere: Int64)
    of_rank = wp._due(con, as_of=day, unit=unit, rank=rank, within=6, rows=100)
    pd.testing.assert_frame_equal(of_rank, due[due["next_rank"] == rank].reset_index(drop=True),
                                  check_dtype=False)
    _, table = wp._eligibility(con, as_of=day, unit=unit, rank=None, within=6, unmasked=False, rows=3)
    assert f"共 {len(due)} 人" in table.caption and "显示前 3 人" in table.caption
    box = wp.eligibility_explorer(con, as_of=day)
    for name in ("eligibility_counts", "quota_usage"):
        monkeypatch.setattr(pipeline, name, lambda *a, **k: pytest.fail("asked the database"))
    box.controls[1].value = unit
    units_drawn = {y for trace in box.figures[1].data for y in trace.y}     # (horizontal bars)
    assert units_drawn == set(asked["unit_name"])
    con.close()


def test_year_picker_remembers_a_year_shown_lately(demo_db, monkeypatch):
    # choosing a year computes its headline figures and pyramid; going back to it draws them
    # from what was computed then, asking the database nothing
    from qingmiao_lib import figures, structure
    from qingmiao_lib.widgets import headline

    con = qm.connect(demo_db)
    asked = []
    real = figures.headline
    monkeypatch.setattr(figures, "headline", lambda c, *, year: asked.append(year) or real(c, year=year))
    box = headline.year_picker(con, year=2023, years=[2021, 2022, 2023])
    box.controls["year"].value = 2022
    box.controls["year"].value = 2021
    assert asked == [2022, 2021]
    monkeypatch.setattr(structure, "age_pyramid", lambda *a, **k: pytest.fail("asked the database"))
    box.controls["year"].value = 2022
    assert asked == [2022, 2021]
    con.close()
