"""Charts of the pipeline analyses (``qingmiao_lib.pipeline``): frames in, ``go.Figure`` out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ._base import COLORS, GRADES, SERIES, hidden_marks, layout, placeholder_size

#: The three outcomes of an eligibility check, in stacking order, with their colours: the first
#: two together are the persons whose personal conditions are met (个人条件符合), who still
#: compete for the places (职数空缺, the red mark).
OUTCOMES = (
    ("eligible", "个人条件符合、职数未满", COLORS["accent"]),
    ("quota_blocked", "个人条件符合、职数已满", SERIES[2]),
    ("not_qualified", "未满足资格条件", "#c9ced3"),
)
#: Colours of the promotion kinds (pipeline.EVENT_KINDS).
KIND_COLORS = {"提拔领导职务": SERIES[1], "职级晋升": COLORS["accent"], "退出领导岗位并晋升职级": SERIES[2]}
#: Record kinds whose bars carry their label (long intervals: posts, ranks, pools, practice).
LABELLED_KINDS = ("职务", "职级", "人才库", "实践锻炼")
#: Order of the profile's record kinds (pipeline.profile), top to bottom.
PROFILE_KINDS = ("录用", "职务", "职级", "人才库", "培训", "每周一讲", "导师", "实践锻炼", "年度考核",
                 "急难险重", "奖励", "监督管理")


#: the units a per-unit eligibility chart draws (those with the most persons); the others are
#: one bar "其他N个单位" — a chart is read, not scanned: 50,000 bars are neither
TOP_UNITS = 30


def _top_units(wide: pd.DataFrame, cols: list[str], top: int) -> pd.DataFrame:
    """The ``top`` units of ``wide`` with the most persons (ties by unit code), the others summed
    into one last row named 其他N个单位."""
    wide = wide.assign(_n=wide[cols].sum(axis=1)).sort_values(["_n", "unit_id"], ascending=[False, True],
                                                              kind="stable")
    if len(wide) <= top + 1:
        return wide
    rest = wide.iloc[top:]
    other = {**{c: int(rest[c].sum()) for c in cols}, "unit_id": None,
             "unit_name": f"其他{len(rest):,}个单位", "_n": int(rest["_n"].sum())}
    other = pd.DataFrame([other]).astype({c: wide[c].dtype for c in other if c in wide.columns})
    return pd.concat([wide.iloc[:top], other], ignore_index=True)


def _shown(v, small_cell: int | None) -> str:
    v = int(v)
    return f"<{small_cell}" if small_cell and 0 < v < small_cell else f"{v:,}"


def eligibility_bars(df: pd.DataFrame, *, by: str = "next_rank", quota: pd.DataFrame | None = None,
                     title: str | None = None, small_cell: int | None = None, protected=None,
                     top_units: int = TOP_UNITS) -> go.Figure:
    """Eligibility outcomes stacked per next rank (``by="next_rank"``) or per unit
    (``by="unit_name"``: the ``top_units`` units with the most persons, the others as one bar
    其他N个单位), from :func:`qingmiao_lib.pipeline.eligibility_counts`. Per rank, the
    jurisdiction's quota vacancies (:func:`qingmiao_lib.pipeline.quota_usage`, when given) are
    marked: more qualified persons than vacancies means a choice has to be made. ``protected``:
    a report's protected next-rank × outcome table (``by="next_rank"``): hidden cells are not
    drawn and hover "<5" / "×"."""
    if by not in ("next_rank", "unit_name"):
        raise ValueError(f"by must be 'next_rank' or 'unit_name', got {by!r}")
    order = ["next_step"] if by == "next_rank" else ["unit_id"]
    cols = [c for c, _, _ in OUTCOMES]
    wide = df.groupby([*order, by], dropna=False)[cols].sum().reset_index().sort_values(order)
    if by == "unit_name":   # the units with the most people first, at most top_units of them
        wide = _top_units(wide, cols, top_units)
    fig = go.Figure()
    for col, name, colour in OUTCOMES:
        xs, texts = wide[col].tolist(), [_shown(v, small_cell) for v in wide[col]]
        if protected is not None and by == "next_rank":
            xs = protected.masked().loc[list(wide[by]), col].tolist()
            texts = protected.shown().loc[list(wide[by]), col].tolist()
        fig.add_bar(
            y=wide[by], x=xs, orientation="h", name=name, marker_color=colour,
            customdata=texts,
            hovertemplate="%{y} " + name + "：%{customdata} 人<extra></extra>",
        )
    if protected is not None and by == "next_rank":
        ranks, cols_ = list(wide[by]), [c for c, _, _ in OUTCOMES]
        names = [n for _, n, _ in OUTCOMES]
        top = protected.masked().loc[ranks, cols_].fillna(0).sum(axis=1).max() if ranks else 1
        hidden_marks(fig, protected.suppressed.loc[ranks, cols_].set_axis(names, axis=1),
                     size=placeholder_size(top), orientation="h",
                     texts=protected.shown().loc[ranks, cols_].set_axis(names, axis=1),
                     threshold=protected.threshold)
    if quota is not None and by == "next_rank" and len(quota):
        room = quota[quota["unit_id"].isna()].set_index("rank")["headroom"].clip(lower=0)
        room = room.reindex(wide["next_rank"]).dropna()
        fig.add_scatter(
            y=room.index, x=room.values, mode="markers", name="职数空缺（全辖区）",
            marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": COLORS["warn"]}},
            hovertemplate="%{y} 职数空缺：%{x} 个<extra></extra>",
        )
    as_of = df.attrs.get("as_of", "")
    fig.update_layout(barmode="stack", xaxis={"title": "人数"},
                      yaxis={"title": "拟晋升职级" if by == "next_rank" else "单位",
                             "autorange": "reversed", "type": "category"},
                      height=max(320, 24 * len(wide) + 150))
    return layout(fig, title or f"职级晋升资格（{as_of}）")


def quota_bars(df: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Holders against the quota of each rank, from :func:`qingmiao_lib.pipeline.quota_usage`
    (one bar pair per quota row; a unit's quota is labelled with the unit)."""
    names = [r if u == "全辖区" else f"{u}·{r}" for u, r in zip(df["unit_name"], df["rank"], strict=True)]
    fig = go.Figure()
    fig.add_bar(x=names, y=df["max_count"], name="职数", marker_color="#c9ced3",
                hovertemplate="%{x} 职数：%{y:,}<extra></extra>")
    over = df["holders"] > df["max_count"]
    fig.add_bar(x=names, y=df["holders"], name="现有人数",
                marker_color=[COLORS["warn"] if o else COLORS["accent"] for o in over],
                text=[f"空缺 {h:,}" if h >= 0 else f"超出 {-h:,}" for h in df["headroom"]],
                textposition="outside", cliponaxis=False,
                hovertemplate="%{x} 现有：%{y:,} 人（%{text}）<extra></extra>")
    year = df.attrs.get("year", "")
    fig.update_layout(barmode="group", yaxis={"title": "人数"}, xaxis={"title": "职级"}, height=420)
    return layout(fig, title or f"职数使用情况（{year}年职数，{df.attrs.get('as_of', '')} 在职人数）")


def promotions_per_year(df: pd.DataFrame, *, kind: str | None = None, title: str | None = None,
                        protected=None) -> go.Figure:
    """Promotions per year from :func:`qingmiao_lib.pipeline.promotion_events`: with ``kind``
    (leadership / rank / step_down) one stacked bar per year by group, else one line per kind
    (persons summed over the groups). ``protected`` (lines only): a report's protected years
    (``"2023"``) × kind-label table: hidden points are gaps, hover "<5" / "×"."""
    fig = go.Figure()
    if kind is not None:
        sub = df[df["kind"] == kind]
        for i, (grp, g) in enumerate(sub.groupby("grp", sort=False)):
            fig.add_bar(x=g["year"], y=g["persons"], name=str(grp), marker_color=SERIES[i % len(SERIES)],
                        hovertemplate="%{x}年 " + str(grp) + "：%{y} 人<extra></extra>")
        label = sub["kind_label"].iloc[0] if len(sub) else kind
        fig.update_layout(barmode="stack")
    else:
        tot = df.groupby(["kind_label", "year"], sort=False)["persons"].sum().reset_index()
        for name, g in tot.groupby("kind_label", sort=False):
            ys, texts = g["persons"].tolist(), [f"{v:,}" for v in g["persons"]]
            if protected is not None:
                keys = [str(int(y)) for y in g["year"]]
                ys = protected.masked().loc[keys, name].tolist()
                texts = protected.shown().loc[keys, name].tolist()
            fig.add_scatter(x=g["year"], y=ys, name=name, mode="lines+markers", customdata=texts,
                            line={"color": KIND_COLORS.get(name, COLORS["muted"]), "width": 2.5},
                            hovertemplate="%{x}年 " + name + "：%{customdata} 人<extra></extra>")
            if protected is not None:
                hid = pd.DataFrame({name: protected.suppressed.loc[keys, name].to_numpy()}, index=keys)
                hidden_marks(fig, hid, size=0, kind="point", positions=list(g["year"]),
                             texts=protected.shown().loc[keys, [name]], threshold=protected.threshold)
        label = "提拔与晋升"
    first, last = df.attrs.get("first_year", ""), df.attrs.get("last_year", "")
    fig.update_layout(xaxis={"title": "年度", "tickformat": "d", "dtick": 1},
                      yaxis={"title": "人数", "rangemode": "tozero"}, height=400)
    return layout(fig, title or f"{label}人数（{first}–{last}年）")


def km_curves(df: pd.DataFrame, *, title: str | None = None, min_at_risk: int = 1) -> go.Figure:
    """Share promoted (1 − Kaplan–Meier survival) against years since entry, one step line per
    entry cohort, from :func:`qingmiao_lib.pipeline.time_to_promotion`. Points with fewer than
    ``min_at_risk`` persons at risk are left out (the tail of a small cohort is noise)."""
    fig = go.Figure()
    for i, (cohort, g) in enumerate(df.groupby("cohort", sort=True)):
        g = g[g["at_risk"] >= min_at_risk]
        fig.add_scatter(
            x=g["months"] / 12, y=1 - g["survival"], name=f"{cohort}年录用", mode="lines",
            line={"shape": "hv", "color": SERIES[i % len(SERIES)], "width": 2},
            customdata=g[["months", "at_risk"]],
            hovertemplate=(f"{cohort}年录用<br>入职 %{{customdata[0]}} 个月：已晋升 %{{y:.0%}}"
                           "<br>观察人数 %{customdata[1]}<extra></extra>"),
        )
    shown = df[df["at_risk"] >= min_at_risk]
    top = float((1 - shown["survival"]).max()) if len(shown) else 1.0
    fig.update_layout(xaxis={"title": "录用后年数", "dtick": 1, "rangemode": "tozero"},
                      yaxis={"title": "已首次职级晋升的比例", "tickformat": ".0%",
                             "range": [0, min(1.0, top * 1.15 + 0.05)]},
                      height=440)
    return layout(fig, title or f"录用后首次职级晋升（Kaplan–Meier 估计，截至 {df.attrs.get('as_of', '')}）")


def funnel_chart(df: pd.DataFrame, *, title: str | None = None, small_cell: int | None = None,
                 protected=None) -> go.Figure:
    """The funnel of :func:`qingmiao_lib.pipeline.funnel`, summed over the cohorts in the frame.
    ``protected``: a report's protected cohorts × steps table with its 合计 row (columns = step
    numbers): hidden steps are not drawn and show "<5" / "×"."""
    steps = df.groupby(["step_no", "step"])["persons"].sum().reset_index().sort_values("step_no")
    first = int(steps["persons"].iloc[0]) if len(steps) else 0
    text = [f"{_shown(v, small_cell)}（{v / first:.0%}）" if first else _shown(v, small_cell)
            for v in steps["persons"]]
    xs = steps["persons"].tolist()
    if protected is not None:
        nos = list(steps["step_no"])
        xs = protected.masked().loc["合计", nos].tolist()
        shown = protected.shown().loc["合计", nos].tolist()
        pct = protected.share(("合计", nos[0]), digits=0).loc["合计", nos].tolist() if nos else []
        text = [s if p == "—" else f"{s}（{p}）" for s, p in zip(shown, pct, strict=True)]
    fig = go.Figure(go.Funnel(
        y=steps["step"], x=xs, text=text, textinfo="text",
        marker={"color": [SERIES[i % len(SERIES)] for i in range(len(steps))]},
        connector={"line": {"color": COLORS["muted"], "width": 1}},
        hovertemplate="%{y}：%{text}<extra></extra>", name="人数",
    ))
    if protected is not None:
        hid = pd.DataFrame({"人数": protected.suppressed.loc["合计", nos].to_numpy()}, index=list(steps["step"]))
        hidden_marks(fig, hid, size=placeholder_size(max([x for x in xs if x == x] or [1])), orientation="h",
                     texts=pd.DataFrame({"人数": shown}, index=hid.index), threshold=protected.threshold)
    cohorts = sorted(df["cohort"].unique())
    span = f"{cohorts[0]}–{cohorts[-1]}年" if len(cohorts) > 1 else (f"{cohorts[0]}年" if cohorts else "")
    fig.update_layout(height=440, margin={"l": 150})
    return layout(fig, title or f"{span}录用人员成长漏斗（截至 {df.attrs.get('as_of', '')}，比例为占录用人数）")


def person_timeline(df: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """One person's growth record from :func:`qingmiao_lib.pipeline.profile`: intervals as
    bars on a time axis (open ones run to the as-of date), one-day records as markers."""
    as_of = pd.Timestamp(df.attrs["as_of"]) if df.attrs.get("as_of") else pd.Timestamp.today().normalize()
    kinds = [k for k in PROFILE_KINDS if k in set(df["kind"])]
    fig = go.Figure()
    for i, kind in enumerate(kinds):
        g = df[df["kind"] == kind]
        colour = SERIES[i % len(SERIES)]
        span = g[g["end"].notna() | g["open"]]
        point = g[g["end"].isna() & ~g["open"]]
        if len(span):
            end = span["end"].fillna(as_of)
            fig.add_bar(
                y=[kind] * len(span), base=span["start"],
                x=(pd.to_datetime(end) - pd.to_datetime(span["start"])).dt.total_seconds() * 1000,
                orientation="h", marker_color=colour, opacity=0.8, showlegend=False,
                text=span["label"] if kind in LABELLED_KINDS else None, textposition="inside",
                insidetextanchor="start", textfont={"color": "white", "size": 11},
                marker_line={"color": "white", "width": 1},
                customdata=span[["label", "detail"]].assign(
                    s=pd.to_datetime(span["start"]).dt.strftime("%Y-%m-%d"),
                    e=[("至今" if o else pd.Timestamp(e).strftime("%Y-%m-%d"))
                       for o, e in zip(span["open"], end, strict=True)]).to_numpy(),
                hovertemplate="%{customdata[0]}<br>%{customdata[2]} — %{customdata[3]}"
                              "<br>%{customdata[1]}<extra></extra>",
            )
        if len(point):
            fig.add_scatter(
                y=[kind] * len(point), x=point["start"], mode="markers", showlegend=False,
                marker={"color": [GRADES.get(d, colour) for d in point["detail"]] if kind == "年度考核" else colour,
                        "size": 10, "symbol": "diamond", "line": {"width": 1, "color": "white"}},
                customdata=point[["label", "detail"]].assign(
                    s=pd.to_datetime(point["start"]).dt.strftime("%Y-%m-%d")).to_numpy(),
                hovertemplate="%{customdata[0]}<br>%{customdata[2]}<br>%{customdata[1]}<extra></extra>",
            )
    fig.update_layout(barmode="overlay", xaxis={"type": "date", "title": "时间"},
                      yaxis={"categoryorder": "array", "categoryarray": kinds, "autorange": "reversed"},
                      height=max(320, 40 * len(kinds) + 140))
    name = df.attrs.get("name", "")
    return layout(fig, title or f"{name} 成长档案（截至 {df.attrs.get('as_of') or '今'}）")
