"""Charts of the foundation: the headline figures against the article, and the age pyramid."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ._base import (
    COLORS,
    grand_total,
    guard,
    hidden_marks,
    layout,
    nice_step,
    placeholder_size,
    resolve,
)


def pyramid(df: pd.DataFrame, *, title: str | None = None, small_cell: int | None = None,
            protected=None) -> go.Figure:
    """Age × gender pyramid from :func:`qingmiao_lib.structure.age_pyramid`.

    Men extend to the left, women to the right; hover shows the count, or ``"<5"`` for a count
    below ``small_cell`` when one is given; a report passes ``protected`` (the protected
    band × gender table): a hidden cell is drawn as a fixed-size grey placeholder
    (:func:`~qingmiao_lib.charts._base.hidden_marks`) and hovers "<5" / "×".
    """
    bands = (
        df[["band_start", "band"]].drop_duplicates().sort_values("band_start")["band"].tolist()
    )
    wide = (
        df.pivot_table(index="band", columns="gender", values="persons", aggfunc="sum", fill_value=0)
        .reindex(index=bands, columns=["男", "女"], fill_value=0)
    )
    protected = resolve(wide, small_cell, protected)
    plot, texts = guard(wide, None, protected)
    top = int(plot.fillna(0).to_numpy().max()) if len(wide) else 0
    step = nice_step(top)
    ticks = list(range(-step * (top // step + 1), step * (top // step + 1) + 1, step))
    fig = go.Figure()
    for gender, sign in (("男", -1), ("女", 1)):
        values, shown = plot[gender], texts[gender].tolist()
        fig.add_bar(
            y=bands, x=(sign * values).tolist(), orientation="h", name=gender,
            marker_color=COLORS[gender], customdata=shown,
            hovertemplate="%{y} " + gender + "：%{customdata} 人<extra></extra>",
        )
    if protected is not None:
        hidden_marks(fig, protected.suppressed.loc[bands, ["男", "女"]], size=placeholder_size(top),
                     orientation="h", signs={"男": -1}, texts=texts, threshold=protected.threshold)
    total = grand_total(wide, protected)
    as_of = df.attrs.get("as_of", "")
    fig.update_layout(
        barmode="relative", bargap=0.08,
        xaxis={"title": "人数（左：男，右：女）", "tickvals": ticks, "ticktext": [str(abs(t)) for t in ticks]},
        yaxis={"title": "年龄", "categoryorder": "array", "categoryarray": bands},
        height=max(360, 26 * len(bands) + 140),
    )
    return layout(fig, title or f"年轻公务员年龄性别结构（截至 {as_of}" + (f"，共 {total} 人）" if total else "）"))


def headline_bars(df: pd.DataFrame, *, title: str | None = None, small_cell: int | None = None) -> go.Figure:
    """This jurisdiction's F1–F9 as a share of the seed article's values, from
    :func:`qingmiao_lib.figures.headline`: 100% means equal; the band marks ±15%. With
    ``small_cell``, a count below it is not drawn (its label says "<5（未显示）")."""
    year = df.attrs.get("year", "")
    names = [f"{c} {SHORT_LABELS.get(c, c)}" for c in df["code"]]
    ratio = (df["value"] / df["article_value"]).astype(float) * 100
    small = (df["value"] > 0) & (df["value"] < small_cell) if small_cell else df["value"] < 0
    ratio = ratio.where(~small.to_numpy(dtype=bool))
    fig = go.Figure()
    fig.add_vrect(x0=85, x1=115, fillcolor=COLORS["accent"], opacity=0.08, line_width=0)
    fig.add_vline(x=100, line_color=COLORS["muted"], line_dash="dot")
    fig.add_bar(
        y=names, x=ratio, orientation="h", marker_color=COLORS["accent"],
        text=[f"<{small_cell}（未显示）/ {a:,}" if sm else f"{v:,} / {a:,}"
              for v, a, sm in zip(df["value"], df["article_value"], small, strict=True)],
        textposition="outside", cliponaxis=False,
        customdata=df["label"],
        hovertemplate="%{customdata}<br>本地 / 文章：%{text}（%{x:.0f}%）<extra></extra>",
        showlegend=False,
    )
    top = max(130.0, float(ratio.max()) + 25 if ratio.notna().any() else 130.0)
    fig.update_layout(
        xaxis={"title": "本地数值占文章数值的百分比（%）", "range": [0, top], "ticksuffix": "%"},
        yaxis={"autorange": "reversed"}, height=420, margin={"l": 170},
    )
    return layout(fig, title or f"核心指标与报道数值对照（{year}年，100% = 与高平市相同）")


#: Short names of the headline figures for chart axes.
SHORT_LABELS = {
    "F1": "年轻公务员库", "F2": "两型干部库（年轻）", "F3": "培训人次", "F4": "一线实践",
    "F5": "年度考核优秀", "F6": "三年优秀记功", "F7": "提拔领导职务", "F8": "晋级退出领导岗位",
    "F9": "职级晋升",
}
