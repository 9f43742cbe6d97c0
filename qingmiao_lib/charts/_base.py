"""What every chart shares: the palette, the font stack and the layout."""

from __future__ import annotations

import pandas as pd
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
        from .._ledger import protect_table

        protected = protect_table(matrix, small_cell, totals=totals)
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
        from .._ledger import protect_table

        protected = protect_table(matrix, small_cell, totals=totals)
    return protected


def grand_total(matrix, protected=None) -> str | None:
    """The grand total as a title may state it: None when the protection hides it."""
    if protected is None:
        return f"{int(matrix.to_numpy().sum()):,}"
    try:
        return None if protected.is_hidden("合计", "合计") else protected.cell("合计", "合计")
    except KeyError:
        return None


#: The placeholder of a hidden cell: one legend entry per chart, grey and hatched, a fixed size
#: that is not a count (:func:`hidden_marks`). ``meta`` marks its traces for tests and readers.
HIDDEN_NAME = "未显示（<5 或 ×）"
HIDDEN_META = "qm-hidden"
HIDDEN_COLOR = "#c9ced3"


def placeholder_size(top: float, *, share: float = 0.035) -> float:
    """The fixed size of a placeholder: ``share`` of the axis top, at least 0.5, never a whole
    number (so it cannot be read as a count)."""
    size = max(0.5, round(float(top or 0) * share, 1))
    return size + 0.5 if size == int(size) else size


def hidden_marks(fig: go.Figure, hidden, *, size: float, orientation: str = "v", positions=None,
                 texts=None, signs: dict | None = None, threshold: int = 5, xaxis: str = "x",
                 width=None, kind: str = "bar", what: str = "人数",
                 note: str = "（灰色斜线标记为固定大小，不代表人数）") -> go.Figure:
    """Draw each hidden cell of a chart as a visible, labelled placeholder — never drop it.

    ``hidden`` is a boolean frame, the chart's categories (index) × its series (columns, named
    like the figure's traces); True where the cell is hidden ("<5" / "×"). For every series with a
    hidden cell, one grey hatched trace named :data:`HIDDEN_NAME` (legend once per figure) is put
    right after the series' trace, so that in a stacked or relative bar chart the placeholder sits
    in the hidden segment's place in the stack and in a grouped one in its slot (``offsetgroup``).
    Its length is the constant ``size`` (see :func:`placeholder_size`), signed by ``signs``
    (``{"男": -1}`` for a pyramid's left side), never the value; its hover says so. ``size`` may
    be a frame shaped like ``hidden`` (a 100% bar whose total is shown fills the rest of the bar
    with its hidden cells in equal parts: their sum is published, each part is not), and
    ``note`` replaces the hover's last line.

    ``positions``: the categories' positions on the category axis (default: the index);
    ``texts``: the shown strings ("<5" / "×") of the same frame; ``xaxis``: the subplot (``"x2"``);
    ``width``: bar width for numeric axes; ``kind="point"``: a marker at height 0 instead of a
    bar (for line charts). Returns ``fig``.
    """
    positions = list(hidden.index) if positions is None else list(positions)
    signs = signs or {}
    data = list(fig.data)
    first = not any(getattr(t, "meta", None) == HIDDEN_META for t in data)
    for series in hidden.columns:
        at = [i for i, h in enumerate(hidden[series].tolist()) if h]
        if not at:
            continue
        cats = [positions[i] for i in at]
        shown = [texts[series].iloc[i] for i in at] if texts is not None else ["未显示"] * len(at)
        hover = [f"{c} · {series}：{s}<br>未显示：{what}少于{threshold}或为防反推而隐去"
                 f"<br>{note}" for c, s in zip(cats, shown, strict=True)]
        owner = next((i for i, t in enumerate(data) if t.name == str(series)
                      and (getattr(t, "xaxis", None) or "x") == xaxis), None)
        common = {"name": HIDDEN_NAME, "meta": HIDDEN_META, "legendgroup": HIDDEN_META, "legendrank": 2000,
                  "showlegend": first, "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>"}
        if xaxis != "x":
            common.update(xaxis=xaxis, yaxis="y" + xaxis[1:])
        if kind == "point":
            trace = go.Scatter(x=cats, y=[0] * len(cats), mode="markers",
                               marker={"symbol": "square-x-open", "size": 11, "color": "#6b7280"}, **common)
        else:
            sizes = ([float(size[series].iloc[i]) for i in at] if isinstance(size, pd.DataFrame)
                     else [size] * len(at))
            length = [signs.get(series, 1) * z for z in sizes]
            xy = {"x": length, "y": cats} if orientation == "h" else {"x": cats, "y": length}
            cls = go.Funnel if owner is not None and data[owner].type == "funnel" else go.Bar
            extra = {} if cls is go.Funnel else {"orientation": orientation}
            if cls is go.Bar and owner is not None and data[owner].offsetgroup is not None:
                extra["offsetgroup"] = data[owner].offsetgroup
            if width is not None:
                extra["width"] = width
            marker = {"color": HIDDEN_COLOR, "line": {"color": "#6b7280", "width": 1}}
            if cls is go.Bar:   # a funnel has no hatching: grey with a dark outline
                marker["pattern"] = {"shape": "/", "fgcolor": "#6b7280", "size": 6}
            trace = cls(**xy, marker=marker, **extra, **common)
        first = False
        data.insert(len(data) if owner is None else owner + 1, trace)
    fig.data = ()
    fig.add_traces(data)
    return fig


def hidden_points(fig: go.Figure) -> list[tuple]:
    """Every placeholder of ``fig`` as ``(subplot x axis, category)`` (for tests and checks)."""
    out = []
    for t in fig.data:
        if getattr(t, "meta", None) == HIDDEN_META:
            ax = getattr(t, "xaxis", None) or "x"
            cats = t.y if getattr(t, "orientation", None) == "h" or t.type == "funnel" else t.x
            out += [(ax, c) for c in cats]
    return out


def hidden_cells(protected, rows=None, cols=None) -> int:
    """How many of ``protected``'s cells (``rows`` × ``cols``, default the interior: every row
    and column but 合计) are hidden — the placeholders its chart must draw."""
    if protected is None:
        return 0
    s = protected.suppressed
    rows = [r for r in s.index if r != "合计"] if rows is None else list(rows)
    cols = [c for c in s.columns if c != "合计"] if cols is None else list(cols)
    return int(s.loc[rows, cols].to_numpy().sum())
