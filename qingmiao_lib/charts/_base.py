"""What every chart shares: the palette, the font stack and the layout."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

#: The workbench's charts use plotly's white template. It is plotly's default template once
#: ``qingmiao_lib.charts`` is imported: a figure then takes it when it is drawn or saved, instead
#: of each chart validating and copying the template (8× the cost of the chart, and a report or a
#: batch of unit reports draws hundreds). Set ``plotly.io.templates.default`` back to change it.
TEMPLATE = "plotly_white"
pio.templates.default = TEMPLATE

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


def guard(matrix, small_cell: int | None = None, protected=None, *, totals=True):
    """What a chart of the interior count matrix ``matrix`` may plot: ``(values, texts)``, two
    frames shaped like ``matrix``. With ``protected`` (a :class:`qingmiao_lib.disclosure.Protected`
    of the same table, as a report passes it) or ``small_cell`` (the chart protects the table
    itself, with ``totals``), hidden cells are NaN (never plotted, never in the figure's JSON) and
    their texts "<5" / "×"; without either, the values as they are (notebooks)."""
    import pandas as pd

    if protected is None and small_cell:
        from ..disclosure import protect

        protected = protect(matrix, small_cell, totals=totals)
    if protected is None:
        return matrix.astype(float), matrix.map(lambda v: f"{int(v):,}")
    rows, cols = list(matrix.index), list(matrix.columns)
    values = protected.masked().loc[rows, cols]
    texts = protected.shown().loc[rows, cols]
    return pd.DataFrame(values), pd.DataFrame(texts)


def resolve(matrix, small_cell: int | None = None, protected=None, *, totals=True):
    """The protection a chart applies: ``protected`` as given, else ``matrix`` protected with
    ``small_cell`` (and ``totals``), else None (notebooks: values as they are)."""
    if protected is None and small_cell:
        from ..disclosure import protect

        protected = protect(matrix, small_cell, totals=totals)
    return protected


def grand_total(matrix, protected=None) -> str | None:
    """The grand total as a title may state it: None when the protection hides it."""
    if protected is None:
        return f"{int(matrix.to_numpy().sum()):,}"
    try:
        return None if protected.is_hidden("合计", "合计") else protected.cell("合计", "合计")
    except KeyError:
        return None
