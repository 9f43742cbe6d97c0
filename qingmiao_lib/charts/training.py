"""Charts of the training analyses (``qingmiao_lib.training``): frames in, ``go.Figure`` out.

Every chart takes the frame of one analysis function, titles itself with the frame's as-of date or
year, and, given ``small_cell`` (reports pass the rules' threshold), shows counts below it as
``"<5"`` in hover texts and labels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..labels import young_labels
from ._base import COLORS, SERIES, hidden_marks, layout, placeholder_size

#: Coverage from red (0%) through amber to green (100%).
COVERAGE_SCALE = [[0.0, COLORS["warn"]], [0.6, "#e9a03b"], [0.85, "#c8e6c9"], [1.0, COLORS["accent"]]]


def _count(value, small_cell: int | None) -> str:
    value = int(value)
    return f"<{small_cell}" if small_cell and 0 < value < small_cell else f"{value:,}"


def coverage_heat(df: pd.DataFrame, *, title: str | None = None,
                  small_cell: int | None = None, protected=None) -> go.Figure:
    """The coverage matrix of :func:`qingmiao_lib.training.coverage_matrix` as a heat table:
    rules down, groups across (one column 合计 when not sliced), coloured by coverage, each cell
    labelled with its coverage and missing count; hover gives every count. ``protected`` (a
    report's protected table indexed ``"rule|group"`` with the frame's count columns and
    ``due_covered``): hidden counts show "<5" / "×", and a coverage whose numerator or
    denominator is hidden shows "—" and is not coloured."""
    rules = [r for r in ("初任培训", "任职培训", "专门业务培训", "在职培训") if r in set(df["rule"])]
    names = list(dict.fromkeys(df["group_name"]))          # the frame's order (合计 first, if any)
    cell = df.set_index(["rule", "group_name"])
    z, text, hover = [], [], []
    for rule in rules:
        zr, tr, hr = [], [], []
        for g in names:
            if (rule, g) not in cell.index:
                zr.append(None), tr.append(""), hr.append(f"{rule} · {g}：无应训对象")
                continue
            r = cell.loc[(rule, g)]
            cov = r["coverage"]
            if protected is not None:
                key = f"{rule}|{g}"
                n = lambda c, key=key: protected.cell(key, c)  # noqa: E731
                if protected.is_hidden(key, "due") or protected.is_hidden(key, "due_covered"):
                    cov = float("nan")
            else:
                n = lambda c, r=r: _count(r[c], small_cell)  # noqa: E731
            zr.append(None if pd.isna(cov) else float(cov) * 100)
            missing = n("missing")
            tr.append(("—" if pd.isna(cov) else f"{cov:.0%}") + f"<br>缺{missing}")
            hr.append(
                f"{rule}（{r['principle']}）· {g}<br>应训 {n('obligations')}，"
                f"已完成 {n('covered')}，已到期 {n('due')}<br>"
                f"未到期 {n('pending')}，未完成 {missing}<br>"
                + ("覆盖率 —（尚无到期）" if pd.isna(cov) else f"覆盖率 {cov:.1%}"))
        z.append(zr), text.append(tr), hover.append(hr)
    labels = [f"{r}<br><sub>{df.loc[df['rule'] == r, 'principle'].iloc[0]}</sub>" for r in rules]
    fig = go.Figure(go.Heatmap(
        z=z, x=names, y=labels, text=text, texttemplate="%{text}", customdata=hover,
        hovertemplate="%{customdata}<extra></extra>", zmin=0, zmax=100,
        colorscale=COVERAGE_SCALE, xgap=3, ygap=3,
        colorbar={"title": "覆盖率", "ticksuffix": "%", "thickness": 12},
    ))
    fig.update_layout(
        yaxis={"autorange": "reversed"}, xaxis={"side": "top", "tickangle": 0 if len(names) <= 8 else -45},
        height=max(300, 90 * len(rules) + 130), margin={"l": 110, "t": 110},
    )
    as_of = df.attrs.get("as_of", "")
    return layout(fig, title or f"四类培训覆盖率（截至 {as_of}；覆盖率 = 已到期中按时完成的比例）")


def hours_bins(df: pd.DataFrame, *, min_hours: float | None = None, bin_hours: int = 10) -> pd.DataFrame:
    """The histogram's counts: one row per bin (``"0–10 学时"`` …), columns 未达标 and 达标."""
    min_hours = float(min_hours if min_hours is not None else df["need_hours"].max())
    top = float(df["have_hours"].max()) if len(df) else min_hours
    edges = np.arange(0, max(top, min_hours) + bin_hours, bin_hours)
    out = {}
    for meets, name in ((False, "未达标"), (True, "达标")):
        part = df.loc[df["meets"] == meets, "have_hours"].astype(float)
        out[name], _ = np.histogram(part, bins=np.append(edges, edges[-1] + bin_hours))
    return pd.DataFrame(out, index=[f"{e:.0f}–{e + bin_hours:.0f} 学时" for e in edges]).astype("int64")


def hours_histogram(df: pd.DataFrame, *, min_hours: float | None = None, title: str | None = None,
                    bin_hours: int = 10, small_cell: int | None = None, protected=None) -> go.Figure:
    """Credited hours per person (:func:`qingmiao_lib.training.in_service`): a histogram split
    into those meeting the annual minimum and those short of it, with the minimum marked.
    ``protected``: the report's protected :func:`hours_bins` table (with totals)."""
    min_hours = float(min_hours if min_hours is not None else df["need_hours"].max())
    top = float(df["have_hours"].max()) if len(df) else min_hours
    edges = np.arange(0, max(top, min_hours) + bin_hours, bin_hours)
    fig = go.Figure()
    for meets, name, color in ((False, "未达标", COLORS["warn"]), (True, "达标", COLORS["accent"])):
        part = df.loc[df["meets"] == meets, "have_hours"].astype(float)
        counts, _ = np.histogram(part, bins=np.append(edges, edges[-1] + bin_hours))
        shown = [_count(c, small_cell) for c in counts]
        if protected is not None:
            inner = [k for k in protected.values.index if k != "合计"]
            counts = protected.masked().loc[inner, name].to_numpy()
            shown = protected.shown().loc[inner, name].tolist()
        fig.add_bar(x=edges + bin_hours / 2, y=counts, width=bin_hours * 0.95, name=name,
                    marker_color=color, customdata=np.stack([edges, edges + bin_hours, shown], axis=1),
                    hovertemplate="%{customdata[0]:.0f}–%{customdata[1]:.0f} 学时：%{customdata[2]} 人"
                                  f"（{name}）<extra></extra>")
    peak = max([np.nanmax(np.asarray(t.y, dtype=float)) for t in fig.data if len(t.y)] or [1])
    if protected is not None:
        inner = [k for k in protected.values.index if k != "合计"]
        hidden_marks(fig, protected.suppressed.loc[inner, ["未达标", "达标"]], size=placeholder_size(peak),
                     positions=list(edges + bin_hours / 2), width=bin_hours * 0.95,
                     texts=protected.shown().loc[inner, ["未达标", "达标"]], threshold=protected.threshold)
    fig.add_vline(x=min_hours, line_color=COLORS["muted"], line_dash="dash",
                  annotation_text=f"年度最低 {min_hours:.0f} 学时", annotation_position="top right")
    n, ok = len(df), int(df["meets"].sum())
    fig.update_layout(barmode="stack", bargap=0, xaxis={"title": "全年计入学时（合格课程）"},
                      yaxis={"title": "人数", "range": [0, peak * 1.2]}, height=380)
    year = df.attrs.get("year", "")
    share = f"{ok / n:.0%}" if n else "—"
    persons = f"{n:,}"
    if protected is not None:
        persons = protected.cell("合计", "合计")
        share = protected.share("total", digits=0).at["合计", "达标"]
    return layout(fig, title or f"{year}年在职培训学时分布（全年在职 {persons} 人，达标 {share}）")


def attendance_heatmap(df: pd.DataFrame, *, row: str = "group_name", threshold: float | None = None,
                       title: str | None = None, small_cell: int | None = None,
                       young_limit: int | None = None) -> go.Figure:
    """Weekly-lecture attendance by month: rows are ``row`` (``group_name`` for
    :func:`~qingmiao_lib.training.lecture_groups` with ``monthly=True``, or a masked-name column
    of :func:`~qingmiao_lib.training.lecture_person_months`), columns months, colour the rate.
    The title names the rules' young age limit: ``young_limit``, else the frame's
    ``attrs["young_limit"]``, else "年轻" in words."""
    months = sorted(int(m) for m in df["month"].dropna().unique())
    rows = list(dict.fromkeys(df[row]))
    wide = df.pivot_table(index=row, columns="month", values=["attended", "sessions"], aggfunc="sum")
    z, hover = [], []
    for r in rows:
        zr, hr = [], []
        for m in months:
            s = wide.get(("sessions", m), pd.Series(dtype=float)).get(r, np.nan)
            a = wide.get(("attended", m), pd.Series(dtype=float)).get(r, np.nan)
            if pd.isna(s) or s == 0:
                zr.append(None), hr.append(f"{r} · {m}月：无应到场次")
                continue
            if small_cell and (0 < a < small_cell or 0 < s < small_cell):
                zr.append(None), hr.append(f"{r} · {m}月：人次不足 {small_cell}")
                continue
            zr.append(a / s * 100)
            hr.append(f"{r} · {m}月<br>出席 {_count(a, small_cell)} / 应到 {_count(s, small_cell)}"
                      f"（{a / s:.0%}）")
        z.append(zr), hover.append(hr)
    lo = 100 * (threshold if threshold is not None else 0.8)
    zmin = max(0.0, lo - 20)
    at = (lo - zmin) / (100 - zmin)                           # the threshold's place on the scale
    fig = go.Figure(go.Heatmap(
        z=z, x=[f"{m}月" for m in months], y=rows, customdata=hover,
        hovertemplate="%{customdata}<extra></extra>", zmin=zmin, zmax=100,
        colorscale=[[0, COLORS["warn"]], [at, "#f3d9a4"], [min(1.0, at + 0.05), "#d8eee6"],
                    [1, COLORS["accent"]]],
        texttemplate="%{z:.0f}%", xgap=2, ygap=2,
        colorbar={"title": "出勤率", "ticksuffix": "%", "thickness": 12},
    ))
    fig.update_layout(yaxis={"autorange": "reversed"}, height=max(280, 28 * len(rows) + 150),
                      margin={"l": 130})
    year = df.attrs.get("year", "")
    limit = young_limit if young_limit is not None else df.attrs.get("young_limit")
    young = "年轻" if limit is None else young_labels(limit)[0]
    return layout(fig, title or f"{year}年每周一讲出勤率（按月；应到 = 在职且{young}时举办的场次）")


def mentor_load_bars(df: pd.DataFrame, *, max_mentees: int | None = None, title: str | None = None,
                     small_cell: int | None = None, protected=None) -> go.Figure:
    """Mentor load distribution (:func:`qingmiao_lib.training.mentor_load`): how many mentors
    carry 1, 2, 3 … mentees, bars above the rules' limit in the warning colour. ``protected``:
    a report's protected table with rows ``"1"``, ``"2"`` … (mentees) and ``"over"``, column ``n``."""
    limit = int(max_mentees if max_mentees is not None else df.attrs.get("max_mentees", 3))
    counts = df["mentees"].value_counts().sort_index()
    xs = list(range(1, int(counts.index.max()) + 1)) if len(counts) else [1]
    ys = [int(counts.get(x, 0)) for x in xs]
    texts = [_count(y, small_cell) for y in ys]
    over = _count(int((df["mentees"] > limit).sum()), small_cell)
    if protected is not None:
        ys = [protected.value(str(x), "n") for x in xs]
        texts = [protected.cell(str(x), "n") for x in xs]
        over = protected.cell("over", "n")
    fig = go.Figure(go.Bar(
        x=xs, y=ys, name="导师人数", marker_color=[COLORS["warn"] if x > limit else COLORS["accent"] for x in xs],
        text=texts, textposition="outside", cliponaxis=False,
        hovertemplate="带教 %{x} 人的导师：%{text} 名<extra></extra>",
    ))
    if protected is not None:
        hid = pd.DataFrame({"导师人数": [protected.is_hidden(str(x), "n") for x in xs]}, index=xs)
        hidden_marks(fig, hid, size=placeholder_size(max([y for y in ys if y == y] or [1])),
                     texts=pd.DataFrame({"导师人数": texts}, index=xs), threshold=protected.threshold)
    fig.add_vline(x=limit + 0.5, line_color=COLORS["muted"], line_dash="dash",
                  annotation_text=f"上限 {limit} 人", annotation_position="top right")
    fig.update_layout(xaxis={"title": "带教人数", "dtick": 1}, yaxis={"title": "导师人数"},
                      height=360, showlegend=False)
    as_of = df.attrs.get("as_of", "")
    return layout(fig, title or f"导师带教人数分布（截至 {as_of}；超过上限 {over} 名）")


def practice_bars(df: pd.DataFrame, *, title: str | None = None,
                  small_cell: int | None = None, protected=None, young_protected=None) -> go.Figure:
    """Frontline postings per year by program (:func:`qingmiao_lib.training.practice_participation`),
    stacked; hover adds the young and the median duration. ``protected`` / ``young_protected``:
    a report's protected years × programs tables of postings and of the young posted."""
    order = ("千万工程", "驻村帮扶", "营商环境专班", "主题教育", "轮岗交流", "其他")
    programs = [p for p in order if p in set(df["program"])] + sorted(set(df["program"]) - set(order))
    years = sorted(df["year"].unique())
    fig = go.Figure()
    for i, prog in enumerate(programs):
        part = df[df["program"] == prog].set_index("year").reindex(years)
        postings = part["postings"].fillna(0).astype(int)
        med = part["median_posting_months"]
        shown_p = [_count(v, small_cell) for v in postings]
        shown_y = [_count(v, small_cell) for v in part["young_persons_posted"].fillna(0)]
        if protected is not None:
            postings = protected.masked().loc[years, prog]
            shown_p = protected.shown().loc[years, prog].tolist()
        if young_protected is not None:
            shown_y = young_protected.shown().loc[years, prog].tolist()
        custom = np.stack([
            shown_p, shown_y,
            ["—" if pd.isna(m) else f"{m:.0f}个月" for m in med],
        ], axis=1)
        fig.add_bar(x=years, y=postings.tolist(), name=prog, marker_color=SERIES[i % len(SERIES)],
                    customdata=custom,
                    hovertemplate="%{x}年 " + prog + "：%{customdata[0]} 人次（年轻 %{customdata[1]}）"
                                  "<br>已结束的时长中位数 %{customdata[2]}<extra></extra>")
    if protected is not None:
        top = protected.masked().loc[years, programs].fillna(0).sum(axis=1).max()
        hidden_marks(fig, protected.suppressed.loc[years, programs], size=placeholder_size(top),
                     texts=protected.shown().loc[years, programs], threshold=protected.threshold)
    fig.update_layout(barmode="stack", xaxis={"title": "选派年份", "tickformat": "d", "dtick": 1},
                      yaxis={"title": "选派人次"}, height=380)
    first, last = df.attrs.get("first_year", ""), df.attrs.get("last_year", "")
    return layout(fig, title or f"一线实践锻炼选派人次（{first}–{last}年，按项目）")
