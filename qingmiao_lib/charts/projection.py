"""Charts of the cohort projection (``qingmiao_lib.projection``): frames in, ``go.Figure`` out.

- :func:`stock`: the projected cohort per year, stacked by age band, rank or post level (the start
  year observed, the years after it projected and marked so);
- :func:`backtest`: projected beside observed per category of one of the backtest's dimensions.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ._base import COLORS, SERIES, layout

#: The breakdowns a chart offers: the frame's label column → (its sort key, its Chinese name).
BY = {"age_band": ("band_start", "年龄段"), "rank": ("rank_step", "职级"), "level": ("level_step", "职务层次")}


def _by(by: str) -> tuple[str, str]:
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, got {by!r}")
    return BY[by]


def _who(attrs: dict) -> str:
    limit = attrs.get("young_limit")
    if not attrs.get("young_only", True):
        return "在职人员"
    return f"{limit}岁以下人员" if limit else "年轻公务员"


def stock(df: pd.DataFrame, *, by: str = "age_band", title: str | None = None) -> go.Figure:
    """The cohort of :func:`qingmiao_lib.projection.project` per year end, stacked by ``by``
    (``"age_band"``, ``"rank"`` or ``"level"``); the start year is observed, the others are expected
    persons (hover says which). The title carries the start date and the transition years."""
    key, name = _by(by)
    a = df.attrs
    summed = df.groupby(["year", key, by], as_index=False)["persons"].sum()
    years = sorted(summed["year"].unique())
    start = min(years) if years else None
    labels = {y: (f"{y}年末（实际）" if y == start else f"{y}年末") for y in years}
    fig = go.Figure()
    for i, (label, part) in enumerate(summed.sort_values(key).groupby(by, sort=False)):
        part = part.set_index("year").reindex(years, fill_value=0)
        if part["persons"].max() < 0.05:
            continue
        fig.add_bar(x=[labels[y] for y in years], y=part["persons"].round(1).tolist(), name=str(label),
                    marker_color=SERIES[i % len(SERIES)],
                    hovertemplate="%{x} " + str(label) + "：%{y:.1f} 人<extra></extra>")
    fig.update_layout(barmode="stack", yaxis_title="人（预测为期望人数）", xaxis_title="", legend_title_text=name)
    default = (f"{_who(a)}预测：按{name}（{a.get('as_of', '')} 起，转移率 {a.get('transition_years', '')} 年）")
    return layout(fig, title or default)


def backtest(df: pd.DataFrame, *, by: str | None = None, title: str | None = None) -> go.Figure:
    """Projected beside observed (:func:`qingmiao_lib.projection.backtest`), summed per category of
    ``by`` (default: the frame's first dimension); the no-change forecast as a grey marker. The
    title gives the years and the error over the frame's cells (WAPE)."""
    a = df.attrs
    dims = list(a.get("by", [c for c in BY if c in df.columns]))
    by = by or dims[0]
    if by not in dims:
        raise ValueError(f"by must be one of the backtest's dimensions {', '.join(dims)}, got {by!r}")
    key, name = _by(by)
    cells = df[~df["is_total"]]
    summed = cells.groupby([key, by], as_index=False)[["projected", "observed", "baseline"]].sum().sort_values(key)
    x = summed[by].astype(str).tolist()
    fig = go.Figure()
    fig.add_bar(x=x, y=summed["observed"].round(1).tolist(), name=f"{a.get('target_year', '')}年末实际",
                marker_color=COLORS["男"], hovertemplate="%{x} 实际：%{y:.0f} 人<extra></extra>")
    fig.add_bar(x=x, y=summed["projected"].round(1).tolist(), name="模型预测", marker_color=COLORS["accent"],
                hovertemplate="%{x} 预测：%{y:.1f} 人<extra></extra>")
    fig.add_scatter(x=x, y=summed["baseline"].round(1).tolist(), mode="markers", name="不变假设",
                    marker={"color": COLORS["muted"], "symbol": "line-ew-open", "size": 22, "line": {"width": 3}},
                    hovertemplate="%{x} 不变假设：%{y:.0f} 人<extra></extra>")
    fig.update_layout(barmode="group", yaxis_title="人", xaxis_title=name)
    wape = a.get("wape")
    error = f"，单元格绝对误差合计占实际{wape:.1%}" if wape is not None else ""
    default = (f"回测：{a.get('start_year', '')}年末→{a.get('target_year', '')}年末{_who(a)}，"
               f"按{name}（转移率 {a.get('transition_years', '')} 年{error}）")
    return layout(fig, title or default)
