"""A protected 100% bar chart keeps every bar's length: the hidden part is one grey hatched bar
named 未显示 (``qingmiao_lib._figure_protect``), never a bar that reads as shorter."""

from __future__ import annotations

import plotly.graph_objects as go

from qingmiao_lib.published import HIDDEN_NAME, protect_figure


def _shares() -> go.Figure:
    """甲: 3 优秀 of 20 (15% / 85%) — 3 is small; 乙: 10 of 20 (50% / 50%). Counts in customdata."""
    fig = go.Figure()
    for name, shares, counts in (("优秀", [15.0, 50.0], [3, 10]), ("其他", [85.0, 50.0], [17, 10])):
        fig.add_bar(x=shares, y=["甲", "乙"], orientation="h", name=name,
                    customdata=[[str(c), "20"] for c in counts])
    fig.update_layout(barmode="stack", title_text="等次")
    return fig


def test_the_hidden_part_of_a_share_bar_is_drawn_grey_to_its_full_length():
    fig = protect_figure(_shares(), 5)
    bars = [t for t in fig.data if t.type == "bar" and t.name != HIDDEN_NAME]
    fill = [t for t in fig.data if t.type == "bar" and t.name == HIDDEN_NAME]
    assert bars[0].x[0] is None                        # 甲's 3 优秀 is hidden ("<5") …
    assert len(fill) == 1 and "甲" in list(fill[0].y)  # … and drawn as the grey part of 甲's bar
    for cat in ("甲", "乙"):
        shown = sum(t.x[list(t.y).index(cat)] or 0 for t in bars)
        grey = dict(zip(fill[0].y, fill[0].x, strict=True)).get(cat, 0)
        assert abs(shown + grey - 100) < 1e-9          # every bar still reaches 100%
    assert fill[0].marker.pattern.shape == "/"
    assert "斜线" in fig.layout.title.text


def test_a_chart_of_counts_gets_no_share_fill():
    fig = _shares()
    for t in fig.data:                                  # the same chart in counts: 3+17, 10+10
        t.x = [int(c[0]) for c in t.customdata]
    out = protect_figure(fig, 5)
    assert not [t for t in out.data if t.type == "bar" and t.name == HIDDEN_NAME]


def test_a_title_count_with_a_thousands_separator_is_read_whole():
    """"共 1,002 人" is 1,002 persons, not "1," and a small 2; "共 3 人" is small."""
    for title, want in (("年龄结构（共 1,002 人）", "年龄结构（共 1,002 人）"), ("超过上限 3 名", "超过上限 <5 名")):
        fig = go.Figure(go.Scatter(x=[1], y=[0.5], mode="markers"))
        fig.update_layout(title_text=title)
        assert protect_figure(fig, 5).layout.title.text.split("<br>")[0] == want
