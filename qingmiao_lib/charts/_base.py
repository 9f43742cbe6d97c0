"""What every chart shares: the palette, the font stack and the layout."""

from __future__ import annotations

import plotly.graph_objects as go

#: One palette for every chart and the report, so a colour means the same thing everywhere.
#: Genders and the accent are fixed; SERIES colours categories in a stable order; GRADES colours
#: the assessment grades from best (green) to worst (red).
COLORS = {"男": "#2f6db5", "女": "#d1495b", "accent": "#2a9d8f", "muted": "#8a9199",
          "warn": "#b23b3b"}
SERIES = ("#2a9d8f", "#2f6db5", "#e9a03b", "#8e6bbf", "#d1495b", "#5b8c5a", "#8a9199",
          "#c17c74", "#3d5a80", "#98c1d9")
GRADES = {"优秀": "#2a9d8f", "称职": "#7fb8d6", "基本称职": "#e9a03b", "不称职": "#b23b3b",
          "不定等次": "#c9ced3", "好": "#2a9d8f", "较好": "#7fb8d6", "一般": "#e9a03b",
          "较差": "#b23b3b"}
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"


def layout(fig: go.Figure, title: str) -> go.Figure:
    """Title (left-aligned, Chinese), fonts, white template and margins for every chart."""
    fig.update_layout(
        title={"text": title, "x": 0.02, "xanchor": "left", "font": {"size": 18}},
        font={"family": FONT, "size": 13},
        template="plotly_white",
        colorway=list(SERIES),
        margin={"l": 70, "r": 30, "t": 70, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        hoverlabel={"font": {"family": FONT}},
    )
    return fig


def nice_step(top: int) -> int:
    """A round axis step giving at most about six ticks up to ``top``."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000):
        if top / step <= 6:
            return step
    return 10 ** len(str(top))
