"""Charts of the evaluation analyses (``qingmiao_lib.evaluation``): frames in, ``go.Figure`` out.

Grades are coloured by ``GRADES`` (优秀 green … 不称职 red; 好 … 较差 likewise). Counts shown in
hovers go through ``small_cell`` when a report passes its threshold (``"<5"``).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..labels import young_labels
from ._base import COLORS, GRADES, SERIES, hidden_marks, layout, placeholder_size

ANNUAL = ("优秀", "称职", "基本称职", "不称职")
QUARTERLY = ("好", "较好", "一般", "较差")


def _count(v, small_cell: int | None) -> str:
    v = int(v)
    return f"<{small_cell}" if small_cell and 0 < v < small_cell else f"{v:,}"


#: The fixed width (percentage points) of a hidden cell's placeholder in the 100% bars.
PLACEHOLDER_PCT = 3.5


def _undrawn(protected, rows, grades) -> pd.DataFrame:
    """Cells of a shares chart that cannot be drawn: hidden, or in a row whose total is hidden."""
    s = protected.suppressed
    return s.loc[list(rows), list(grades)].apply(lambda col: col | s.loc[list(rows), "合计"])


def _rest_of_bar(protected, rows, grades, hid: pd.DataFrame) -> pd.DataFrame:
    """Each hidden cell's length in a 100% bar: where the row's total is shown, the rest of the
    bar (its hidden cells' sum, published as total − shown) in equal parts; else the fixed
    placeholder."""
    vals = protected.values
    out = pd.DataFrame(PLACEHOLDER_PCT, index=hid.index, columns=hid.columns, dtype=float)
    for g in rows:
        k = int(hid.loc[g].sum())
        if not k or protected.is_hidden(g, "合计") or not vals.at[g, "合计"]:
            continue
        shown = sum(float(vals.at[g, c]) for c in grades if not hid.at[g, c])
        rest = 100.0 * (1 - shown / float(vals.at[g, "合计"]))
        if rest > 0:
            out.loc[g] = rest / k
    return out


def _drawn(protected, g, grades, hid) -> float:
    """A bar's shown part, in percent (for the axis range)."""
    vals = protected.values
    if protected.is_hidden(g, "合计") or not vals.at[g, "合计"]:
        return 0.0
    return sum(100.0 * float(vals.at[g, c]) / float(vals.at[g, "合计"]) for c in grades if not hid.at[g, c])


def grade_distribution(df: pd.DataFrame, *, title: str | None = None,
                       small_cell: int | None = None, protected=None) -> go.Figure:
    """Annual grades as shares of the graded, one horizontal 100% bar per group, from
    :func:`qingmiao_lib.evaluation.grade_distribution` (不定等次 is left out of the bar and told in
    the hover). ``protected``: a report's protected groups × grades table (row totals = the
    graded): a hidden cell (or every cell of a row whose total is hidden) is drawn as a grey
    placeholder of fixed width in its place in the bar; its share is not given. The protected
    table's columns are the grades drawn, so grades merged by recoding (基本称职及以下) are one
    segment, coloured as the lower grade."""
    order = (df[["group_key", "group_name", "sort_key"]].drop_duplicates()
             .sort_values(["sort_key", "group_key"])["group_name"].tolist())
    grades = ANNUAL if protected is None else tuple(c for c in protected.values.columns if c != "合计")
    fig = go.Figure()
    for grade in grades:
        if protected is None:
            part = df[df["grade"] == grade].set_index("group_name").reindex(order)
            xs = (part["share"].fillna(0) * 100).tolist()
            custom = [[_count(p, small_cell), _count(g, small_cell)]
                      for p, g in zip(part["persons"].fillna(0), part["graded"].fillna(0), strict=True)]
        else:
            vals = protected.values
            hide = [protected.is_hidden(g, grade) or protected.is_hidden(g, "合计") for g in order]
            xs = [None if h or not vals.at[g, "合计"] else 100 * vals.at[g, grade] / vals.at[g, "合计"]
                  for h, g in zip(hide, order, strict=True)]
            custom = [[protected.cell(g, grade), protected.cell(g, "合计")] for g in order]
        fig.add_bar(
            y=order, x=xs, orientation="h", name=grade,
            marker_color=GRADES.get(grade, GRADES["不称职"]),
            customdata=custom,
            hovertemplate="%{y} " + grade + "：%{x:.1f}%（%{customdata[0]} / %{customdata[1]} 人）<extra></extra>",
        )
    extra = 0.0
    if protected is not None:
        hid = _undrawn(protected, order, grades)
        sizes = _rest_of_bar(protected, order, grades, hid)
        hidden_marks(fig, hid, size=sizes, orientation="h",
                     texts=protected.shown().loc[order, list(grades)], threshold=protected.threshold,
                     note="（灰色斜线：本行隐去各格合计所占的部分，平均画出，不代表各格人数）")
        # a row whose total is hidden draws fixed placeholders past its shown segments
        extra = max([0.0, *(_drawn(protected, g, grades, hid) + float((sizes.loc[g] * hid.loc[g]).sum()) - 100.0
                            for g in order)])
    year = df.attrs.get("year", "")
    fig.update_layout(barmode="stack", xaxis={"title": "占定等次人数的百分比（%）", "range": [0, 100 + extra],
                                              "ticksuffix": "%"},
                      yaxis={"autorange": "reversed"}, height=max(300, 34 * len(order) + 150),
                      legend={"traceorder": "normal"})
    return layout(fig, title or f"{year}年度考核等次分布")


def excellent_share(df: pd.DataFrame, *, top: int | None = None, title: str | None = None,
                    small_cell: int | None = None) -> go.Figure:
    """Each unit's 优秀 share against the cap (dashed line), from
    :func:`qingmiao_lib.evaluation.excellent_share`; units over the cap in red. ``top`` keeps the
    units with the highest shares. Columns ``excellent_shown`` / ``graded_shown`` (a report's
    protected counts) replace the hover counts; rows whose ``share`` is missing are left out."""
    d = df[df["share"].notna()].sort_values(["share", "graded"], ascending=[False, False])
    if top:
        d = d.head(top)
    names = d["unit_name"].fillna("（无在职单位）").tolist()
    cap = float(df["cap"].iloc[0]) * 100 if len(df) else 20.0
    fig = go.Figure()
    fig.add_bar(
        y=names, x=(d["share"] * 100).tolist(), orientation="h", showlegend=False,
        marker_color=[COLORS["warn"] if o else COLORS["accent"] for o in d["over_cap"]],
        customdata=[[e, g] for e, g in zip(d["excellent_shown"], d["graded_shown"], strict=True)]
        if "excellent_shown" in d else [[_count(e, small_cell), _count(g, small_cell)]
                                         for e, g in zip(d["excellent"], d["graded"], strict=True)],
        hovertemplate="%{y}：%{x:.1f}%（优秀 %{customdata[0]} / 定等次 %{customdata[1]} 人）<extra></extra>",
    )
    fig.add_vline(x=cap, line_dash="dash", line_color=COLORS["warn"],
                  annotation_text=f"上限 {cap:.0f}%", annotation_position="top")
    year = df.attrs.get("year", "")
    over = int(df["over_cap"].sum())
    fig.update_layout(xaxis={"title": "优秀人数占定等次人数（%）", "ticksuffix": "%"},
                      yaxis={"autorange": "reversed"}, height=max(320, 22 * len(names) + 160),
                      margin={"l": 190})
    scope = f"优秀率最高的{len(names)}个单位，" if top and len(df) > len(names) else ""
    return layout(fig, title or f"{year}年度各单位优秀比例（{scope}{over}个单位超过上限）")


def streak_matrix(df: pd.DataFrame, *, max_years: int = 6) -> pd.DataFrame:
    """The histogram's counts: rows ``"1年"`` … ``"6年及以上"``, columns current and longest run."""
    labels = [f"{y}年" for y in range(1, max_years)] + [f"{max_years}年及以上"]
    out = {}
    for col, name in (("current_run", "当前连续优秀"), ("longest_run", "历史最长连续优秀")):
        runs = df.loc[df[col] > 0, col].clip(upper=max_years)
        out[name] = runs.value_counts().reindex(range(1, max_years + 1), fill_value=0).to_numpy()
    return pd.DataFrame(out, index=labels).astype("int64")


def streak_histogram(df: pd.DataFrame, *, max_years: int = 6, title: str | None = None,
                     small_cell: int | None = None, protected=None) -> go.Figure:
    """Persons by length of their current and longest 优秀 run, from
    :func:`qingmiao_lib.evaluation.streaks`; runs of ``max_years`` or more share the last bar."""
    labels = [f"{y}年" for y in range(1, max_years)] + [f"{max_years}年及以上"]
    fig = go.Figure()
    for col, name, color in (("current_run", "当前连续优秀", SERIES[0]), ("longest_run", "历史最长连续优秀", SERIES[1])):
        runs = df.loc[df[col] > 0, col].clip(upper=max_years)
        counts = runs.value_counts().reindex(range(1, max_years + 1), fill_value=0)
        ys, texts = counts.tolist(), [_count(v, small_cell) for v in counts]
        if protected is not None:
            ys, texts = protected.masked()[name].tolist(), protected.shown()[name].tolist()
        fig.add_bar(x=labels, y=ys, name=name, marker_color=color, offsetgroup=name,
                    customdata=texts,
                    hovertemplate="%{x}：%{customdata} 人<extra>" + name + "</extra>")
    if protected is not None:
        top = protected.masked().max().max()
        hidden_marks(fig, protected.suppressed.loc[:, ["当前连续优秀", "历史最长连续优秀"]].set_axis(labels),
                     size=placeholder_size(top if top == top else 1), texts=protected.shown().set_axis(labels),
                     threshold=protected.threshold)
    year = df.attrs.get("year", "")
    fig.update_layout(barmode="group", xaxis={"title": "连续优秀年数"}, yaxis={"title": "人数"},
                      height=380, legend={"traceorder": "normal"})
    return layout(fig, title or f"连续优秀年数分布（截至{year}年度，在职人员）")


def quarterly_trend(df: pd.DataFrame, *, title: str | None = None,
                    small_cell: int | None = None, protected=None) -> go.Figure:
    """Quarterly grades per quarter as stacked shares, from
    :func:`qingmiao_lib.evaluation.quarterly_distribution`."""
    d = df.assign(label=df["year"].astype(str) + "年Q" + df["quarter"].astype(str))
    labels = d["label"].drop_duplicates().tolist()
    fig = go.Figure()
    for grade in QUARTERLY:
        part = d[d["grade"] == grade].set_index("label").reindex(labels)
        ys = (part["share"].fillna(0) * 100).tolist()
        texts = [_count(v, small_cell) for v in part["persons"].fillna(0)]
        if protected is not None:   # rows labelled like the chart ("2023年Q1"), row totals
            hide = [protected.is_hidden(k, grade) or protected.is_hidden(k, "合计") for k in labels]
            ys = [None if h else y for h, y in zip(hide, ys, strict=True)]
            texts = [protected.cell(k, grade) for k in labels]
        fig.add_bar(x=labels, y=ys, name=grade,
                    marker_color=GRADES[grade],
                    customdata=texts,
                    hovertemplate="%{x} " + grade + "：%{y:.1f}%（%{customdata} 人）<extra></extra>")
    extra = 0.0
    if protected is not None:
        hid = _undrawn(protected, labels, QUARTERLY)
        hidden_marks(fig, hid, size=PLACEHOLDER_PCT, texts=protected.shown().loc[labels, list(QUARTERLY)],
                     threshold=protected.threshold)
        extra = PLACEHOLDER_PCT * int(hid.sum(axis=1).max()) if len(hid) else 0.0
    first, last = (labels[0], labels[-1]) if labels else ("", "")
    fig.update_layout(barmode="stack", yaxis={"title": "占当季参加考核人数（%）", "ticksuffix": "%",
                                              "range": [0, 100 + extra]}, height=400, legend={"traceorder": "normal"})
    return layout(fig, title or f"平时考核等次分布（{first}–{last}）")


def warnings_by_unit(df: pd.DataFrame, *, top: int = 15, by_kind: bool = True, min_count: int = 0,
                     title: str | None = None, small_cell: int | None = None) -> go.Figure:
    """Warnings per unit (the ``top`` units with most), stacked by kind — or, with
    ``by_kind=False``, one total per unit (warnings, a person counted once per kind) for units
    with at least ``min_count`` — from :func:`qingmiao_lib.evaluation.warning_counts`."""
    from ..evaluation import WARNING_KINDS

    if "unit_name" not in df:
        df = df.assign(unit_name="合计")
    totals = df.groupby("unit_name")["persons"].sum().sort_values(ascending=False)
    units = totals[(totals > 0) & (totals >= min_count)].head(top).index.tolist()
    fig = go.Figure()
    series = WARNING_KINDS.items() if by_kind else [(None, "预警人次")]
    for i, (kind, label) in enumerate(series):
        part = df if kind is None else df[df["kind"] == kind]
        part = part.groupby("unit_name")["persons"].sum().reindex(units, fill_value=0)
        fig.add_bar(y=units, x=part.tolist(), orientation="h", name=label,
                    marker_color=SERIES[i] if by_kind else COLORS["warn"], showlegend=by_kind,
                    customdata=[_count(v, small_cell) for v in part],
                    hovertemplate="%{y} " + label + "：%{customdata}<extra></extra>")
    as_of = df.attrs.get("as_of", "")
    fig.update_layout(barmode="stack", xaxis={"title": "预警人次" if not by_kind else "预警人数"},
                      yaxis={"autorange": "reversed"}, height=max(320, 26 * len(units) + 170),
                      margin={"l": 190}, legend={"traceorder": "normal"})
    return layout(fig, title or f"苗头性问题预警（{as_of}，预警最多的{len(units)}个单位）")


def young_excellent_trend(df: pd.DataFrame, *, title: str | None = None, protected=None) -> go.Figure:
    """优秀 per year with the young among them and their share (the F5 basis), from
    :func:`qingmiao_lib.evaluation.young_excellent_share`. ``protected``: a report's protected
    years (``"2023"``) × (young, older) table with row totals."""
    under, over = young_labels(df.attrs.get("young_limit"))
    young, older = df["young_excellent"].astype(float), (df["excellent"] - df["young_excellent"]).astype(float)
    share = df["young_share"] * 100
    ty = to = [None] * len(df)
    if protected is not None:
        keys = [str(int(y)) for y in df["year"]]
        m, sh = protected.masked(), protected.shown()
        young, older = m.loc[keys].iloc[:, 0], m.loc[keys].iloc[:, 1]
        ty, to = sh.loc[keys].iloc[:, 0].tolist(), sh.loc[keys].iloc[:, 1].tolist()
        share = share.where([not (protected.is_hidden(k, m.columns[0]) or protected.is_hidden(k, "合计"))
                             for k in keys])
    fig = go.Figure()
    fig.add_bar(x=df["year"], y=young.tolist(), name=f"{under}优秀", marker_color=SERIES[0],
                customdata=ty if protected is not None else None,
                hovertemplate="%{x}年：%{customdata} 人<extra></extra>" if protected is not None else None)
    fig.add_bar(x=df["year"], y=older.tolist(), name=f"{over}优秀", marker_color=COLORS["muted"],
                customdata=to if protected is not None else None,
                hovertemplate="%{x}年：%{customdata} 人<extra></extra>" if protected is not None else None)
    if protected is not None:
        cols = list(m.columns[:2])
        hid = protected.suppressed.loc[keys, cols].set_axis([f"{under}优秀", f"{over}优秀"], axis=1)
        hidden_marks(fig, hid, size=placeholder_size((young.fillna(0) + older.fillna(0)).max()),
                     positions=list(df["year"]), threshold=protected.threshold,
                     texts=sh.loc[keys, cols].set_axis(list(hid.columns), axis=1))
    fig.add_scatter(x=df["year"], y=share.tolist(), name=f"{under}占比", yaxis="y2",
                    mode="lines+markers+text", line={"color": SERIES[2]},
                    text=["" if pd.isna(v) else f"{v / 100:.0%}" for v in share], textposition="top center",
                    hovertemplate="%{x}年：%{y:.1f}%<extra>" + f"{under}占比" + "</extra>")
    year = df.attrs.get("year", "")
    fig.update_layout(barmode="stack", height=380,
                      xaxis={"dtick": 1, "tickformat": "d", "title": "年度"},
                      yaxis={"title": "优秀人数"},
                      yaxis2={"title": f"{under}占比（%）", "overlaying": "y", "side": "right",
                              "range": [0, 100], "tickvals": [0, 20, 40, 60, 80, 100], "ticksuffix": "%",
                              "showgrid": False}, legend={"traceorder": "normal"})
    return layout(fig, title or f"年度考核优秀中的年轻公务员（至{year}年）")
