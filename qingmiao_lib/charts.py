"""Plotly figures from analysis frames. A chart takes a DataFrame and returns a ``go.Figure``;
it never queries, shows or writes (STYLE rule 5). Labels are Chinese; titles carry the as-of date.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

#: One palette for every chart and the report, so a colour means the same thing everywhere.
COLORS = {"男": "#2f6db5", "女": "#d1495b", "accent": "#2a9d8f", "muted": "#8a9199"}
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"


def _layout(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.02, "xanchor": "left", "font": {"size": 18}},
        font={"family": FONT, "size": 13},
        template="plotly_white",
        margin={"l": 70, "r": 30, "t": 70, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        hoverlabel={"font": {"family": FONT}},
    )
    return fig


def pyramid(df: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Age × gender pyramid from :func:`qingmiao_lib.structure.age_pyramid`.

    Men extend to the left, women to the right; hover shows the exact count.
    """
    bands = (
        df[["band_start", "band"]].drop_duplicates().sort_values("band_start")["band"].tolist()
    )
    wide = (
        df.pivot_table(index="band", columns="gender", values="persons", aggfunc="sum", fill_value=0)
        .reindex(index=bands, columns=["男", "女"], fill_value=0)
    )
    top = int(wide.to_numpy().max()) if len(wide) else 0
    step = _nice_step(top)
    ticks = list(range(-step * (top // step + 1), step * (top // step + 1) + 1, step))
    fig = go.Figure()
    for gender, sign in (("男", -1), ("女", 1)):
        values = wide[gender].astype(int)
        fig.add_bar(
            y=bands, x=sign * values, orientation="h", name=gender,
            marker_color=COLORS[gender], customdata=values,
            hovertemplate="%{y} " + gender + "：%{customdata} 人<extra></extra>",
        )
    total = int(wide.to_numpy().sum())
    as_of = df.attrs.get("as_of", "")
    fig.update_layout(
        barmode="relative", bargap=0.08,
        xaxis={"title": "人数（左：男，右：女）", "tickvals": ticks, "ticktext": [str(abs(t)) for t in ticks]},
        yaxis={"title": "年龄", "categoryorder": "array", "categoryarray": bands},
        height=max(360, 26 * len(bands) + 140),
    )
    return _layout(fig, title or f"年轻公务员年龄性别结构（截至 {as_of}，共 {total} 人）")


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000):
        if top / step <= 6:
            return step
    return 10 ** len(str(top))


def headline_bars(df: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """This jurisdiction's F1–F9 beside the seed article's values, from :func:`figures.headline`."""
    year = df.attrs.get("year", "")
    fig = go.Figure()
    fig.add_bar(x=df["code"], y=df["value"], name=f"本地 {year}年", marker_color=COLORS["accent"],
                customdata=df["label"], hovertemplate="%{x} %{customdata}：%{y}<extra></extra>")
    fig.add_bar(x=df["code"], y=df["article_value"], name="文章（高平市）", marker_color=COLORS["muted"],
                customdata=df["label"], hovertemplate="%{x} %{customdata}：%{y}<extra></extra>")
    fig.update_layout(barmode="group", yaxis={"title": "人 / 人次", "type": "log"}, height=380)
    return _layout(fig, title or f"核心指标与文章数值对照（{year}年，对数坐标）")
