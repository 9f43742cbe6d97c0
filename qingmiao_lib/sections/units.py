"""The report section 分单位查看: a unit selector that works without a kernel.

Four main charts — the young's age and gender, the four training rules' coverage, the year's
assessment grades and the rank-promotion eligibility — are computed for every unit at once
(set-based queries grouped by unit, never one query per unit), protected by the disclosure
control like every table of the report, and embedded as JSON. A plain ``<select>`` and
``Plotly.react`` swap the charts and their tables in the browser; nothing runs on a server.

In a unit report (``report --by-unit``) the selector offers the unit and the jurisdiction, and a
comparison table puts the unit's key indicators beside the jurisdiction's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from .. import evaluation, pipeline, structure, training
from ..charts._base import COLORS, GRADES, SERIES, layout, nice_step
from ..disclosure import Protected, protect
from ._render import Context, Section, render

#: the option of the whole jurisdiction in the selector
ALL = "__all__"
ALL_NAME = "全辖区"

GENDERS = ["男", "女"]
COVERAGE = {"covered": "已训", "pending": "待训", "missing": "未训"}
GRADE_ORDER = ["优秀", "称职", "基本称职", "不称职", "不定等次"]
ELIGIBILITY = {"eligible": "符合条件", "quota_blocked": "职数受限", "not_qualified": "未满足条件"}
COVERAGE_COLORS = {"已训": COLORS["accent"], "待训": "#e9c46a", "未训": COLORS["warn"]}
ELIGIBILITY_COLORS = {"符合条件": COLORS["accent"], "职数受限": "#e9a03b", "未满足条件": "#c9ced3"}

#: the four charts, in order: (key, Chinese title, corner of the table)
CHARTS = (("pyramid", "年轻公务员年龄性别结构", "年龄"),
          ("training", "四类培训覆盖", "培训"),
          ("grades", "年度考核等次", "等次"),
          ("eligibility", "职级晋升资格", "拟晋升职级"))


@dataclass(frozen=True)
class UnitTables:
    """The four interior count tables of one unit (or of the jurisdiction), before protection."""

    pyramid: pd.DataFrame      # age band × gender, young persons
    training: pd.DataFrame     # rule × 已训/待训/未训
    grades: pd.DataFrame       # 人数 × grade (one row)
    eligibility: pd.DataFrame  # next rank × 符合条件/职数受限/未满足条件


def _band_order(bands) -> list[str]:
    return sorted(set(bands), key=lambda b: int(str(b).split("–")[0]))


def gather(ctx: Context) -> tuple[pd.DataFrame, dict[str, UnitTables]]:
    """Every unit's four tables, and the jurisdiction's under :data:`ALL`.

    Returns the units listed (``unit_id, unit_name, unit_kind, persons``: units with someone in
    post on ``ctx.as_of``; only ``ctx.units`` in a unit report) and the tables by unit id.
    """
    con, day, year = ctx.con, ctx.as_of, ctx.year
    units = con.execute(
        "select unit_id, name as unit_name, kind::varchar as unit_kind from units order by unit_id"
    ).df()
    active = structure.headcount(con, as_of=day, by=["unit"])
    units = units.merge(active, on="unit_name", how="inner")
    order = {"市直机关": 0, "乡镇街道": 1}
    units = (units.assign(_k=units["unit_kind"].map(order).fillna(2))
             .sort_values(["_k", "unit_id"]).drop(columns="_k").reset_index(drop=True))
    wanted = list(units["unit_id"]) if ctx.units is None else [u for u in ctx.units
                                                                 if u in set(units["unit_id"])]
    units = units.set_index("unit_id").loc[wanted].reset_index()
    ids = dict(zip(units["unit_name"], units["unit_id"], strict=True))
    sl = None if ctx.units is None else list(wanted)

    pyr = structure.headcount(con, as_of=day, by=["unit", "age_band", "gender"], young=True,
                              **({} if sl is None else {"units": sl}))
    cov = training.coverage_matrix(con, year=year, as_of=day, by="unit", units=sl)
    grd = evaluation.grade_distribution(con, year=year, by="unit", units=sl)
    eli = pipeline.eligibility_counts(con, as_of=day, units=sl)
    key = ("units", year, day)
    if key not in ctx.cache:        # the jurisdiction's tables: once per batch of unit reports
        ctx.cache[key] = (
            structure.headcount(con, as_of=day, by=["age_band", "gender"], young=True),
            training.coverage_matrix(con, year=year, as_of=day),
            evaluation.grade_distribution(con, year=year),
            eli if ctx.units is None else pipeline.eligibility_counts(con, as_of=day))
    pyr_all, cov_all, grd_all, eli_all = ctx.cache[key]
    bands = _band_order(pyr_all["age_band"]) or ["20–24岁"]
    rules = list(dict.fromkeys(cov_all["rule"]))
    ranks = (eli_all[["next_step", "next_rank"]].drop_duplicates().sort_values("next_step")["next_rank"]
             .astype(str).tolist())

    def pyramid(df):
        return (df.pivot_table(index="age_band", columns="gender", values="persons", aggfunc="sum",
                               fill_value=0).reindex(index=bands, columns=GENDERS, fill_value=0)
                .astype(int).rename_axis(index=None, columns=None))

    def coverage(df):
        return (df.set_index("rule")[list(COVERAGE)].reindex(rules, fill_value=0).astype(int)
                .rename(columns=COVERAGE).rename_axis(index=None))

    def grades(df):
        s = df.set_index("grade")["persons"].reindex(GRADE_ORDER, fill_value=0).astype(int)
        return pd.DataFrame([s.to_numpy()], index=["人数"], columns=GRADE_ORDER)

    def eligibility(df):
        g = df.groupby("next_rank", observed=True)[list(ELIGIBILITY)].sum()
        g.index = g.index.astype(str)
        return (g.reindex(ranks, fill_value=0).astype(int).rename(columns=ELIGIBILITY)
                .rename_axis(index=None))

    empty = {"unit_name": [], "age_band": [], "gender": [], "persons": []}
    by_unit = {
        "pyramid": {ids.get(k): g for k, g in pyr.groupby("unit_name", sort=False) if k in ids},
        "training": {k: g for k, g in cov.groupby("group_id", sort=False)},
        "grades": {k: g for k, g in grd.groupby("group_key", sort=False)},
        "eligibility": {k: g for k, g in eli.groupby("unit_id", sort=False)},
    }
    tables = {ALL: UnitTables(pyramid(pyr_all), coverage(cov_all), grades(grd_all),
                              eligibility(eli_all))}
    blank = {"pyramid": pd.DataFrame(empty), "training": cov_all.iloc[0:0],
             "grades": grd_all.iloc[0:0], "eligibility": eli.iloc[0:0]}
    for uid in units["unit_id"]:
        part = {k: by_unit[k].get(uid, blank[k]) for k in by_unit}
        tables[uid] = UnitTables(pyramid(part["pyramid"]), coverage(part["training"]),
                                 grades(part["grades"]), eligibility(part["eligibility"]))
    return units, tables


# --- charts over protected tables: a suppressed cell is not drawn and not in the page's data ---
# The specs are plain plotly JSON (traces and the layout keys a chart changes); the page merges
# each with the common layout of ``charts._base.layout`` (fonts, margins, legend, template).
# Building hundreds of ``go.Figure`` objects would cost more than the whole rest of the report.

@dataclass(frozen=True)
class _View:
    """A protected table as a chart reads it: interior labels, values (NaN when hidden), text."""

    rows: list
    cols: list
    masked: pd.DataFrame
    shown: pd.DataFrame

    @classmethod
    def of(cls, p: Protected) -> _View:
        return cls([r for r in p.values.index if r != "合计"], [c for c in p.values.columns if c != "合计"],
                   p.masked(), p.shown())

    def column(self, col) -> tuple[list, list[str]]:
        y = [None if pd.isna(v) else int(v) for v in self.masked.loc[self.rows, col]]
        return y, [str(x) for x in self.shown.loc[self.rows, col]]

    def row(self, row) -> tuple[list, list[str]]:
        y = [None if pd.isna(v) else int(v) for v in self.masked.loc[row, self.cols]]
        return y, [str(x) for x in self.shown.loc[row, self.cols]]


def _bar(name, color, customdata, hover, **xy) -> dict:
    return {"type": "bar", "name": name, "marker": {"color": color}, "customdata": customdata,
            "hovertemplate": hover, **xy}


def _pyramid_spec(v: _View, title: str) -> dict:
    bands = v.rows
    data, top = [], 1
    for gender, sign in (("男", -1), ("女", 1)):
        y, shown = v.column(gender)
        top = max([top, *[v for v in y if v is not None]])
        data.append(_bar(gender, COLORS[gender], shown, "%{y} " + gender + "：%{customdata} 人<extra></extra>",
                         orientation="h", y=bands, x=[None if v is None else sign * v for v in y]))
    ticks = _ticks(top)
    return {"data": data, "layout": {
        "title": {"text": title}, "barmode": "relative", "bargap": 0.08, "height": 340,
        "xaxis": {"title": {"text": "人数（左：男，右：女）"}, "range": [-top * 1.15, top * 1.15],
                  "tickvals": ticks, "ticktext": [str(abs(t)) for t in ticks]},
        "yaxis": {"title": {"text": "年龄"}, "categoryorder": "array", "categoryarray": bands}}}


def _ticks(top: int) -> list[int]:
    step = nice_step(int(top))
    k = int(top) // step + 1
    return list(range(-step * k, step * k + 1, step))


def _stacked_spec(v: _View, title: str, colors: dict[str, str]) -> dict:
    rows = v.rows
    data = []
    for i, col in enumerate(v.cols):
        x, shown = v.column(col)
        data.append(_bar(col, colors.get(col, SERIES[i % len(SERIES)]), shown,
                         "%{y} " + col + "：%{customdata} 人<extra></extra>", orientation="h", y=rows, x=x))
    return {"data": data, "layout": {
        "title": {"text": title}, "barmode": "stack", "height": max(260, 34 * len(rows) + 150),
        "xaxis": {"title": {"text": "人数"}, "tickformat": "d", "rangemode": "tozero"},
        "yaxis": {"categoryorder": "array", "categoryarray": rows[::-1], "type": "category"}}}


def _grades_spec(v: _View, title: str) -> dict:
    cols = v.cols
    y, shown = v.row("人数")
    return {"data": [{"type": "bar", "x": cols, "y": y, "customdata": shown, "name": "人数",
                      "marker": {"color": [GRADES.get(c, COLORS["muted"]) for c in cols]},
                      "hovertemplate": "%{x}：%{customdata} 人<extra></extra>"}],
            "layout": {"title": {"text": title}, "height": 320, "showlegend": False,
                       "xaxis": {"type": "category"},
                       "yaxis": {"title": {"text": "人数"}, "tickformat": "d", "rangemode": "tozero"}}}


def _blank_if_hidden(spec: dict, threshold: int) -> dict:
    """A chart whose every cell is hidden (or empty) says so instead of drawing empty axes."""
    values = [v for t in spec["data"] for v in (t.get("x") if t.get("orientation") == "h" else t.get("y"))]
    if any(v for v in values if v is not None):
        return spec
    hidden = any(v is None for v in values)
    text = (f"各格人数不足{threshold}人或为防止反推而隐去，不作图（数字见数据表）" if hidden else "无数据")
    lay = spec["layout"]
    numeric = "xaxis" if spec["data"] and spec["data"][0].get("orientation") == "h" else "yaxis"
    for axis in ("xaxis", "yaxis"):
        lay.setdefault(axis, {}).update({"showticklabels": axis != numeric, "showgrid": False,
                                         "zeroline": False})
        lay[axis].pop("range", None)
    lay["annotations"] = [{"text": text, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
                           "showarrow": False, "font": {"size": 14, "color": COLORS["muted"]}}]
    return spec


def _specs(tabs: dict[str, Protected], name: str, ctx: Context) -> list[dict]:
    return [_blank_if_hidden(s, ctx.threshold) for s in _specs_drawn(tabs, name, ctx)]


def _specs_drawn(tabs: dict[str, Protected], name: str, ctx: Context) -> list[dict]:
    day, year = ctx.as_of.isoformat(), ctx.year
    v = {k: _View.of(p) for k, p in tabs.items()}
    return [
        _pyramid_spec(v["pyramid"], f"{name}：40岁以下公务员年龄性别结构（截至 {day}）"),
        _stacked_spec(v["training"], f"{name}：四类培训覆盖（{year}年，截至 {day}）", COVERAGE_COLORS),
        _grades_spec(v["grades"], f"{name}：{year}年度考核等次分布"),
        _stacked_spec(v["eligibility"], f"{name}：职级晋升资格（{day}）", ELIGIBILITY_COLORS),
    ]


def _base_layout() -> dict:
    """The common layout of every chart (``charts._base.layout``), template included."""
    return json.loads(layout(go.Figure(), "").to_json())["layout"]


def _table(p: Protected, corner: str) -> dict:
    shown = p.shown()
    if list(shown.index) == ["人数", "合计"]:          # one-row table: its column totals repeat it
        shown = shown.loc[["人数"]]
    return {"corner": corner, "header": [str(c) for c in shown.columns],
            "rows": [{"label": str(k), "cells": list(r), "total": str(k) == "合计"}
                     for k, r in zip(shown.index, shown.to_numpy(), strict=True)]}


def _protect_all(tables: dict[str, UnitTables], names: dict[str, str], ctx: Context) -> dict:
    """Protect every table; the log gets one entry per chart kind, summed over the units."""
    out: dict[str, dict[str, Protected]] = {}
    scratch: list = []
    for uid, t in tables.items():
        out[uid] = {key: protect(getattr(t, key), ctx.threshold, totals=True,
                                 name=f"分单位查看·{title}·{names[uid]}", log=scratch)
                    for key, title, _ in CHARTS}
    ctx.log.extend(scratch)
    return out


def _indicators(t: dict[str, Protected]) -> list[tuple[str, str, str]]:
    """(indicator, shown value) pairs for the unit–jurisdiction comparison of a unit report."""
    def total(p: Protected) -> str:
        return str(p.shown().loc["合计", "合计"])

    def rate(p: Protected, row: str, num: str, den_cols: list[str]) -> str:
        m = p.masked()
        n = m.loc[row, num]
        d = m.loc[row, den_cols].sum(skipna=False)
        return "—" if pd.isna(n) or pd.isna(d) or not d else f"{n / d:.0%}"

    g = t["grades"].masked()
    graded = g.loc["人数", ["优秀", "称职", "基本称职", "不称职"]].sum(skipna=False)
    exc = g.loc["人数", "优秀"]
    rows = [("40岁以下公务员（人）", total(t["pyramid"]))]
    for rule in [r for r in t["training"].values.index if r != "合计"]:
        rows.append((f"{rule}覆盖率（已训 ÷ 已训与未训）", rate(t["training"], rule, "已训", ["已训", "未训"])))
    rows.append(("优秀比例（优秀 ÷ 确定等次）",
                 "—" if pd.isna(exc) or pd.isna(graded) or not graded else f"{exc / graded:.1%}"))
    rows.append(("符合职级晋升条件（人）", str(t["eligibility"].shown().loc["合计", "符合条件"])))
    return rows


def build(ctx: Context) -> Section | None:
    """The selector section: every unit in a county report; the unit and the jurisdiction in a
    unit report. None when no unit has anyone in post."""
    units, tables = gather(ctx)
    if units.empty:
        return None
    names = {ALL: ALL_NAME, **dict(zip(units["unit_id"], units["unit_name"], strict=True))}
    protected = _protect_all(tables, names, ctx)
    options = ([(uid, names[uid]) for uid in units["unit_id"]] + [(ALL, ALL_NAME)]
               if ctx.units is not None else
               [(ALL, ALL_NAME)] + [(uid, names[uid]) for uid in units["unit_id"]])
    groups: dict[str, list] = {}
    if ctx.units is None:
        for r in units.itertuples():
            groups.setdefault(r.unit_kind, []).append((r.unit_id, r.unit_name))
    figs = {uid: _specs(protected[uid], name, ctx) for uid, name in options}
    tables_html = {uid: [_table(protected[uid][key], corner) for key, _, corner in CHARTS]
                   for uid, _ in options}
    payload = {"layout": _base_layout(), "figures": figs, "first": options[0][0]}
    compare = None
    if ctx.units is not None:
        mine, whole = _indicators(protected[options[0][0]]), _indicators(protected[ALL])
        compare = [{"label": a[0], "unit": a[1], "all": b[1]} for a, b in zip(mine, whole, strict=True)]
    html = render(
        "units.html.j2", options=options, groups=groups, unit_report=ctx.units is not None,
        charts=[title for _, title, _ in CHARTS], tables=tables_html, compare=compare,
        unit_name=options[0][1], threshold=ctx.threshold, as_of=ctx.as_of.isoformat(), year=ctx.year,
        payload=Markup(_json_script(payload)),
    )
    title = "分单位查看" if ctx.units is None else "本单位与全辖区对比"
    return Section(id="units", title=title, html=html)


def _json_script(obj) -> str:
    """JSON safe inside a <script type="application/json"> element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"),
                      default=lambda o: o.item() if isinstance(o, np.generic) else str(o))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
