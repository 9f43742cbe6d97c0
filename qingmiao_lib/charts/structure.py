"""Charts of the structure analyses (``qingmiao_lib.structure``): frames in, ``go.Figure`` out."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..labels import young_labels
from ..rules import EDUCATIONS, LEVELS, RANKS
from ..structure import GENERATIONS, POOL_STATUSES, UNIT_KINDS
from ._base import (
    COLORS,
    GRADES,
    SERIES,
    grand_total,
    guard,
    hidden_marks,
    layout,
    placeholder_size,
    resolve,
)

#: Chinese names of the dimension columns, for axis titles and legends.
DIM_LABELS = {
    "age_band": "年龄段", "generation": "年代", "gender": "性别", "education": "学历",
    "political_status": "政治面貌", "entry_channel": "进入方式", "entry_year": "录用年份",
    "unit_name": "单位", "unit_kind": "单位类别", "rank": "职级", "level": "职务层次",
    "pool_status": "人才库", "young": "是否年轻公务员", "first_five": "入职五年内",
}
_FLAGS = {"first_five": ("入职五年内", "入职五年以上")}

#: The declared order of each dimension's values (columns and rows of :func:`matrix`); values
#: not listed follow in the order they first appear. Age bands sort by their lower bound and
#: years as numbers (:func:`_order`).
VOCABULARY: dict[str, tuple[str, ...]] = {
    "education": EDUCATIONS, "generation": GENERATIONS, "gender": ("男", "女"),
    "unit_kind": (*UNIT_KINDS, "无在任职务"), "rank": (*RANKS, "未定职级"), "level": LEVELS,
    "pool_status": POOL_STATUSES, "grade": tuple(GRADES),
    "entry_channel": ("考试录用", "选调生", "遴选", "调任", "军转安置", "其他", "未填写"),
}
_NUMERIC = ("year", "entry_year", "entry_cohort")
_AGE = ("age_band", "band", "age_group")


def _flags(col: str, attrs: dict) -> tuple[str, str] | None:
    if col == "young":
        return young_labels(attrs.get("young_limit"))
    return _FLAGS.get(col)


def _labels(values: pd.Series, col: str, attrs: dict | None = None) -> list[str]:
    flags = _flags(col, attrs or {})
    if flags:
        yes, no = flags
        return [yes if bool(v) else no for v in values]
    return [str(v) for v in values]


def _age_key(label: str) -> float:
    """An age band's lower bound: "30–34岁" → 30, "35岁" → 35, "40岁及以上" → 40, "30岁以下" → 0."""
    if re.fullmatch(r"\d+岁以下", label):
        return 0.0
    m = re.match(r"(\d+)", label)
    return float(m.group(1)) if m else float("inf")


def _order(labels: list[str], col: str | None, attrs: dict | None = None) -> list[str]:
    """The distinct ``labels`` of dimension ``col`` in its declared order (:data:`VOCABULARY`,
    age bands by lower bound, years as numbers, a flag's yes before its no), the rest after
    them in first-appearance order."""
    seen = list(dict.fromkeys(labels))
    flags = _flags(col, attrs or {}) if col else None
    if flags:
        vocab = flags
    elif col in VOCABULARY:
        vocab = VOCABULARY[col]
    elif col in _AGE:
        return sorted(seen, key=_age_key)
    elif col in _NUMERIC:
        return sorted(seen, key=lambda v: (not v.lstrip("-").isdigit(), int(v) if v.lstrip("-").isdigit() else 0))
    else:
        return seen
    place = {v: i for i, v in enumerate(vocab)}
    return sorted(seen, key=lambda v: place.get(v, len(vocab)))   # stable: the rest keep their order


def _colour(name: str, i: int) -> str:
    return COLORS.get(name, SERIES[i % len(SERIES)])


def _shown(v: int, small_cell: int | None) -> str:
    return f"<{small_cell}" if small_cell and 0 < v < small_cell else f"{int(v):,}"


def matrix(df: pd.DataFrame, rows: str, cols: str | None) -> pd.DataFrame:
    """The interior count matrix (``rows`` × ``cols`` labels) a chart draws, rows and columns
    in each dimension's declared order (:func:`_order`: 高中, 中专, 大专, 本科 …; age bands by
    lower bound; generations oldest first), whatever the order of the frame."""
    attrs = df.attrs
    df = df.assign(_x=_labels(df[rows], rows, attrs), _c=_labels(df[cols], cols, attrs) if cols else "人数")
    order_r = _order(df["_x"].tolist(), rows, attrs)
    order_c = _order(df["_c"].tolist(), cols, attrs) if cols else ["人数"]
    wide = df.pivot_table(index="_x", columns="_c", values="persons", aggfunc="sum", fill_value=0)
    wide = wide.reindex(index=order_r, columns=order_c, fill_value=0).astype("int64")
    wide.index.name = wide.columns.name = None
    return wide


def _mark_hidden(fig, protected, wide, values, texts, positions=None) -> None:
    """The stacked chart's hidden cells as placeholders in their place in each stack."""
    if protected is None:
        return
    top = values.fillna(0).sum(axis=1).max() if len(values) else 0
    hidden_marks(fig, protected.suppressed.loc[list(wide.index), list(wide.columns)],
                 size=placeholder_size(top), positions=positions, texts=texts, threshold=protected.threshold)


def stacked_bars(df: pd.DataFrame, x: str, color: str | None = None, *, title: str | None = None,
                 small_cell: int | None = None, protected=None) -> go.Figure:
    """Persons by ``x`` (bars in the frame's order), stacked by ``color``, from
    :func:`qingmiao_lib.structure.headcount` (columns are the output column names).
    ``protected`` (a report's protected :func:`matrix`) or ``small_cell``: hidden cells are not
    drawn as grey placeholders of fixed height
    (hover "<5" / "×"); the title states the total only when it is shown."""
    wide = matrix(df, x, color)
    order = list(wide.index)
    protected = resolve(wide, small_cell, protected)
    values, texts = guard(wide, None, protected)
    fig = go.Figure()
    for i, name in enumerate(wide.columns):
        fig.add_bar(x=order, y=values[name].tolist(), name=name, marker_color=_colour(name, i),
                    customdata=texts[name].tolist(),
                    hovertemplate="%{x} · " + name + "：%{customdata} 人<extra></extra>")
    _mark_hidden(fig, protected, wide, values, texts)
    fig.update_layout(barmode="stack", showlegend=bool(color), bargap=0.25,
                      xaxis={"title": DIM_LABELS.get(x, x), "categoryorder": "array",
                             "categoryarray": order, "type": "category"},
                      yaxis={"title": "人数"}, height=420)
    if len(order) > 12:
        fig.update_layout(xaxis_tickangle=-45, margin={"b": 120})
    as_of = df.attrs.get("as_of", "")
    what = DIM_LABELS.get(x, x) + (f"、{DIM_LABELS.get(color, color)}" if color else "")
    total = grand_total(wide, protected)
    return layout(fig, title or f"在职公务员按{what}分布（截至 {as_of}" + (f"，共 {total} 人）" if total else "）"))


def over_time(df: pd.DataFrame, color: str | None = None, *, title: str | None = None,
              small_cell: int | None = None, protected=None) -> go.Figure:
    """Persons on 31 December of each year, stacked by ``color``, from
    :func:`qingmiao_lib.structure.over_time`; ``protected``: the years × groups :func:`matrix`
    with row totals (``totals="row"``) as a report shows it."""
    wide = matrix(df, "year", color)
    protected = resolve(wide, small_cell, protected, totals="row")
    values, texts = guard(wide, None, protected)
    fig = go.Figure()
    for i, name in enumerate(wide.columns):
        fig.add_bar(x=[int(y) for y in wide.index], y=values[name].tolist(), name=name,
                    marker_color=_colour(name, i), customdata=texts[name].tolist(),
                    hovertemplate="%{x}年末 · " + name + "：%{customdata} 人<extra></extra>")
    _mark_hidden(fig, protected, wide, values, texts, positions=[int(y) for y in wide.index])
    fig.update_layout(barmode="stack", showlegend=bool(color), height=420,
                      xaxis={"title": "年度（12月31日）", "tickformat": "d", "dtick": 1},
                      yaxis={"title": "人数"})
    first, last = df.attrs.get("first_year", ""), df.attrs.get("last_year", "")
    what = f"按{DIM_LABELS.get(color, color)}" if color else ""
    return layout(fig, title or f"队伍结构变化{what}（{first}–{last}年，各年12月31日）")


def pool_flows(dynamics: pd.DataFrame, *, title: str | None = None,
               small_cell: int | None = None, protected=None) -> go.Figure:
    """Each pool's entries (up), exits (down) and year-end size (line), from
    :func:`qingmiao_lib.structure.pool_dynamics`: one panel per pool. ``protected``: a
    protected table indexed ``"pool|year"`` with columns ``entries``, ``exits``, ``size`` (a
    report's): hidden values are not drawn and hover "<5" / "×"."""
    pools = list(dict.fromkeys(dynamics["pool"]))
    fig = make_subplots(rows=1, cols=max(1, len(pools)), subplot_titles=pools,
                        horizontal_spacing=0.08, shared_yaxes=True)
    for c, pool in enumerate(pools, start=1):
        g = dynamics[dynamics["pool"] == pool]
        first = c == 1
        keys = [f"{pool}|{y}" for y in g["year"]]

        def series(col, g=g, keys=keys):
            if protected is None:
                return g[col].astype(float).tolist(), [_shown(v, small_cell) for v in g[col]]
            return (protected.masked().loc[keys, col].tolist(), protected.shown().loc[keys, col].tolist())

        for col, sign, colour, name in (("entries", 1, COLORS["accent"], "入库"),
                                        ("exits", -1, COLORS["warn"], "出库")):
            ys, texts = series(col)
            fig.add_bar(x=g["year"], y=[sign * v for v in ys], name=name, marker_color=colour,
                        legendgroup=name, showlegend=first, row=1, col=c, customdata=texts,
                        hovertemplate="%{x}年 " + name + "：%{customdata} 人<extra></extra>")
        ys, texts = series("size")
        fig.add_scatter(x=g["year"], y=ys, name="年末在库人数", mode="lines+markers",
                        line={"color": COLORS["男"]}, legendgroup="size", showlegend=first,
                        customdata=texts,
                        hovertemplate="%{x}年末在库：%{customdata} 人<extra></extra>",
                        row=1, col=c)
        if protected is not None:
            hid = protected.suppressed.loc[keys, ["entries", "exits", "size"]]
            hid.columns = ["入库", "出库", "年末在库人数"]
            shown = protected.shown().loc[keys, ["entries", "exits", "size"]]
            shown.columns = hid.columns
            axis = "x" if c == 1 else f"x{c}"
            top = max(protected.masked().loc[keys, ["entries", "exits"]].abs().max().max(), 1)
            hidden_marks(fig, hid[["入库", "出库"]], size=placeholder_size(top), signs={"出库": -1},
                         positions=list(g["year"]), texts=shown, threshold=protected.threshold, xaxis=axis)
            hidden_marks(fig, hid[["年末在库人数"]], size=0, kind="point", positions=list(g["year"]),
                         texts=shown, threshold=protected.threshold, xaxis=axis)
        fig.update_yaxes(title_text="人数（出库为负）" if first else None, row=1, col=c,
                         zeroline=True, zerolinecolor=COLORS["muted"])
    fig.update_xaxes(tickformat="d", dtick=1)
    fig.update_layout(barmode="relative", height=430, margin={"t": 80, "b": 90})
    fig = layout(fig, "")
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "center", "x": 0.5})
    first, last = dynamics.attrs.get("first_year", ""), dynamics.attrs.get("last_year", "")
    fig.update_layout(title_text=title or f"人才库进出情况（{first}–{last}年，按自然年统计）")
    return fig


#: The columns of the unit heat table: (column, Chinese header, format); higher is "warmer".
#: ``{under}`` is the young age limit of the frame's rules ("40岁以下").
HEAT_COLUMNS = (
    ("persons", "人数", "{:,.0f}"), ("avg_age", "平均年龄", "{:.1f}"),
    ("avg_service_years", "平均工龄", "{:.1f}"), ("avg_party_years", "平均党龄", "{:.1f}"),
    ("share_young", "{under}", "{:.0%}"), ("share_bachelor_plus", "本科及以上", "{:.0%}"),
    ("share_women", "女性", "{:.0%}"),
)


def unit_heat_table(df: pd.DataFrame, *, title: str | None = None,
                    small_cell: int | None = None, persons_shown=None) -> go.Figure:
    """The unit comparison table of :func:`qingmiao_lib.structure.unit_comparison` as a heat
    table: each column coloured by its rank among the units (the total row last, uncoloured).
    Units smaller than ``small_cell`` show only "<n" and no averages. ``persons_shown`` (a
    report's protected headcounts, one string per row): a row shown "<5" or "×" shows no
    averages or shares either."""
    rows = df.reset_index(drop=True)
    if persons_shown is not None:
        persons_shown = list(persons_shown)
        small = pd.Series([p.startswith("<") or p == "×" for p in persons_shown])
    else:
        small = rows["persons"].lt(small_cell or 0) & ~rows["is_total"]
    z, text = [], []
    for i, r in rows.iterrows():
        zr, tr = [], []
        for col, _header, fmt in HEAT_COLUMNS:
            v = r[col]
            hide = bool(small[i]) and col != "persons"
            units = rows.loc[~rows["is_total"] & ~small, col]
            zr.append(None if hide or small[i] or r["is_total"] or pd.isna(v)
                      else float((units < v).mean()))
            if col == "persons" and persons_shown is not None:
                tr.append(persons_shown[i])
            else:
                tr.append("—" if hide or pd.isna(v) else
                          (_shown(v, small_cell) if col == "persons" else fmt.format(v)))
        z.append(zr)
        text.append(tr)
    names = [("<b>" + n + "</b>") if t else str(n) for n, t in zip(rows["unit_name"], rows["is_total"], strict=True)]
    under = young_labels(df.attrs.get("young_limit"))[0]
    fig = go.Figure(go.Heatmap(
        z=z, x=[h.format(under=under) for _, h, _ in HEAT_COLUMNS], y=names, text=text, texttemplate="%{text}",
        colorscale=[[0, "#f4f7fb"], [1, "#7fb8d6"]], zmin=0, zmax=1, showscale=False,
        xgap=2, ygap=2, hovertemplate="%{y} · %{x}：%{text}<extra></extra>",
    ))
    fig.update_layout(height=max(300, 24 * len(rows) + 130), margin={"l": 170, "t": 100},
                      xaxis={"side": "top"}, yaxis={"autorange": "reversed", "type": "category"})
    as_of = df.attrs.get("as_of", "")
    return layout(fig, title or f"各单位队伍结构对比（截至 {as_of}；颜色越深，在各单位中越高）")
