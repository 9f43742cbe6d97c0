"""Charts of the looking-ahead analyses (``qingmiao_lib.outlook``): frames in, ``go.Figure`` out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ._base import SERIES, layout


def _period_labels(df: pd.DataFrame) -> dict[int, str]:
    """第1年（至2026-12-31） … for each period of the frame."""
    ends = df.drop_duplicates("period").set_index("period")["period_end"]
    return {int(k): f"第{int(k)}年（至{pd.Timestamp(v):%Y-%m-%d}）" for k, v in ends.sort_index().items()}


def places(df: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Places that open per year ahead, stacked by rank (:func:`qingmiao_lib.outlook.places`,
    ``by="rank"``: the jurisdiction's rows, 全辖区) or by post level (``by="unit_level"``: the
    retirements summed over units). Hover gives the retirements beside the places; the title
    carries the as-of date (``df.attrs["as_of"]``)."""
    as_of = df.attrs.get("as_of", "")
    labels = _period_labels(df) if len(df) else {}
    if "rank" in df.columns:
        rows = df[df["unit_name"] == "全辖区"] if "unit_name" in df.columns else df
        key, order, value = "rank", "rank_step", "places"
        default = f"今后{len(labels)}年可用职级职数（法定退休＋现有空缺，截至 {as_of}）"
    else:
        rows = df.assign(level=df["level"].fillna("未任职务"), level_step=df["level_step"].fillna(-1))
        key, order, value = "level", "level_step", "retirements"
        default = f"今后{len(labels)}年法定退休腾出的职务（按职务层次，截至 {as_of}）"
    extra = "retirements" if value == "places" and "retirements" in rows.columns else value
    summed = rows.groupby(["period", order, key], as_index=False)[list(dict.fromkeys([value, extra]))].sum()
    fig = go.Figure()
    for i, (name, part) in enumerate(summed.sort_values(order).groupby(key, sort=False)):
        part = part.set_index("period").reindex(list(labels), fill_value=0)
        fig.add_bar(
            x=[labels[k] for k in part.index], y=part[value].tolist(), name=str(name),
            marker_color=SERIES[i % len(SERIES)], customdata=part[extra].tolist(),
            hovertemplate="%{x} " + str(name) + "：%{y} 个（其中法定退休 %{customdata} 人）<extra></extra>"
            if extra != value else "%{x} " + str(name) + "：%{y} 人<extra></extra>",
        )
    fig.update_layout(barmode="stack", yaxis_title="职数（个）" if value == "places" else "人数", xaxis_title="")
    fig = layout(fig, title or default)
    if len(fig.data) > 5:
        # one entry per rank (up to nine): a row above the plot would wrap into the title's
        # note, so they stand at the right, top to bottom as the bars stack
        fig.update_layout(legend={"orientation": "v", "x": 1.01, "xanchor": "left", "y": 1, "yanchor": "top",
                                  "traceorder": "reversed"}, margin={"r": 150})
    return fig
