"""Charts of the report's 展望 section and the 06-looking-ahead notebook: statutory retirements per
year ahead, and the places each rank will have (today's vacancies plus the retirements). Frames in,
``go.Figure`` out; a NaN value is a hidden cell (a report's protection): never plotted, drawn as a
grey hatched "未显示" placeholder of fixed size (:func:`qingmiao_lib.charts._base.hidden_marks`)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ._base import COLORS, hidden_marks, layout, placeholder_size

#: The two parts of a rank's places, in stacking order, with their colours.
PARTS = {"vacancies": ("现有空缺", COLORS["muted"]), "freed": ("法定退休腾出", COLORS["accent"])}


def retirements_per_year(df: pd.DataFrame, *, title: str | None = None, threshold: int = 5,
                         texts: list[str] | None = None) -> go.Figure:
    """One bar per year ahead: ``df`` has ``label`` (the year, e.g. "2024年") and ``retirements``
    (persons; NaN = hidden, shown as ``texts`` in the placeholder's hover). Title from
    ``df.attrs["as_of"]`` unless given."""
    shown = df["retirements"].astype(float)
    fig = go.Figure()
    fig.add_bar(x=df["label"].tolist(), y=[None if pd.isna(v) else v for v in shown], name="法定退休",
                marker_color=COLORS["accent"], hovertemplate="%{x} 法定退休：%{y:,} 人<extra></extra>")
    hidden = pd.DataFrame({"法定退休": shown.isna().to_numpy()}, index=df["label"].tolist())
    if hidden.to_numpy().any():
        tx = None if texts is None else pd.DataFrame({"法定退休": texts}, index=hidden.index)
        hidden_marks(fig, hidden, size=placeholder_size(shown.max(skipna=True) if shown.notna().any() else 1),
                     texts=tx, threshold=threshold)
    fig.update_layout(yaxis_title="人", xaxis_title="", showlegend=bool(hidden.to_numpy().any()))
    return layout(fig, title or f"今后各年法定退休人数（截至 {df.attrs.get('as_of', '')}）")


def places_by_rank(df: pd.DataFrame, *, title: str | None = None, threshold: int = 5) -> go.Figure:
    """Per rank (``rank``, in the frame's order), the places in ``years`` years as two stacked
    horizontal bars: ``vacancies`` (today's vacancies, 0 when over the quota) and ``freed``
    (places the retirements add: cumulative places − vacancies; less than the retirements when
    they first fill an excess). NaN = hidden. Hover gives the quota and the total."""
    ranks = df["rank"].astype(str).tolist()
    fig = go.Figure()
    for col, (name, colour) in PARTS.items():
        values = df[col].astype(float)
        fig.add_bar(y=ranks, x=[None if pd.isna(v) else v for v in values], name=name, orientation="h",
                    marker_color=colour, customdata=df["quota"].tolist(),
                    hovertemplate="%{y} " + name + "：%{x:,} 个（职数 %{customdata:,}）<extra></extra>")
    hidden = pd.DataFrame({PARTS[c][0]: df[c].isna().to_numpy() for c in PARTS}, index=ranks)
    if hidden.to_numpy().any():
        top = df[list(PARTS)].astype(float).fillna(0).sum(axis=1).max()
        hidden_marks(fig, hidden, size=placeholder_size(top or 1), orientation="h", threshold=threshold,
                     what="人数")
    years = df.attrs.get("years", "")
    fig.update_layout(barmode="stack", xaxis_title="个", yaxis={"autorange": "reversed", "title": ""},
                      height=max(320, 60 + 38 * len(ranks)))
    return layout(fig, title or f"{years}年后各职级可用职数（截至 {df.attrs.get('as_of', '')}）")
