"""The unit selector's charts and tables as plain plotly JSON over protected tables (no
``go.Figure`` per unit: building hundreds would cost more than the rest of the report). A hidden
cell's value is not in the page's data; a grey hatched placeholder of fixed size stands in its
place, as in the report's other charts (``charts._base.hidden_marks``)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ..charts._base import (
    COLORS,
    GRADES,
    HIDDEN_COLOR,
    HIDDEN_META,
    HIDDEN_NAME,
    SERIES,
    layout,
    nice_step,
    placeholder_size,
)
from ..disclosure import TOTAL, Protected

#: what a cell of a withheld table shows (the table's note says why)
WITHHELD_CELL = "—"


# --- charts over protected tables: a suppressed cell's value is not in the page's data; a ------
# --- grey hatched placeholder of fixed size stands in its place -------------------------------
# The specs are plain plotly JSON (traces and the layout keys a chart changes); the page merges
# each with the common layout of ``charts._base.layout`` (fonts, margins, legend, template).
# Building hundreds of ``go.Figure`` objects would cost more than the whole rest of the report.

@dataclass(frozen=True)
class _View:
    """A protected table as the charts, tables and comparison read it, worked out once: the
    labels (totals included), the values as floats (NaN when hidden) and the shown strings."""

    index: list
    columns: list
    masked: np.ndarray
    shown: np.ndarray

    @classmethod
    def of(cls, p: Protected) -> _View:
        masked, shown = p.masked(), p.shown()
        if getattr(p, "withheld", False):      # a table too small to protect: no number at all
            shown = shown.map(lambda _: WITHHELD_CELL)
        return cls(list(masked.index), list(masked.columns), masked.to_numpy(dtype=float),
                   shown.reindex(index=masked.index, columns=masked.columns).to_numpy(dtype=object))

    @property
    def rows(self) -> list:
        return [r for r in self.index if r != TOTAL]

    @property
    def cols(self) -> list:
        return [c for c in self.columns if c != TOTAL]

    def _at(self, rows, cols) -> tuple[np.ndarray, np.ndarray]:
        r = [self.index.index(x) for x in rows]
        c = [self.columns.index(x) for x in cols]
        return self.masked[np.ix_(r, c)], self.shown[np.ix_(r, c)]

    def value(self, row, col) -> float:
        return float(self.masked[self.index.index(row), self.columns.index(col)])

    def text(self, row, col) -> str:
        return str(self.shown[self.index.index(row), self.columns.index(col)])

    def column(self, col) -> tuple[list, list[str]]:
        m, t = self._at(self.rows, [col])
        return [None if np.isnan(v) else int(v) for v in m[:, 0]], [str(x) for x in t[:, 0]]

    def row(self, row) -> tuple[list, list[str]]:
        m, t = self._at([row], self.cols)
        return [None if np.isnan(v) else int(v) for v in m[0]], [str(x) for x in t[0]]


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


def _values(trace: dict) -> list:
    return trace.get("x") if trace.get("orientation") == "h" else trace.get("y")


def _placeholders(spec: dict, threshold: int, signs: dict[str, int] | None = None) -> dict:
    """Every hidden cell drawn as a grey hatched placeholder of fixed size in its place (right
    after its series, so in a stack it sits in the hidden segment's place) — the report's other
    charts do the same (``charts._base.hidden_marks``); here as plain JSON. Its length is
    ``placeholder_size`` of the chart's largest shown bar, never the hidden value."""
    signs = signs or {}
    series = [t for t in spec["data"] if t.get("meta") != HIDDEN_META]
    stacked = spec["layout"].get("barmode") in ("stack", "relative")
    top = 0.0
    if stacked:
        sums: dict = {}
        for t in series:
            h = t.get("orientation") == "h"
            for c, v in zip(t["y"] if h else t["x"], _values(t), strict=True):
                if v is not None:
                    key = (c, 1 if v >= 0 else -1)
                    sums[key] = sums.get(key, 0) + abs(v)
        top = max(sums.values(), default=0)
    else:
        top = max((abs(v) for t in series for v in _values(t) if v is not None), default=0)
    size = placeholder_size(top)
    out, first = [], True
    for t in series:
        out.append(t)
        h = t.get("orientation") == "h"
        cats, vals = (t["y"], t["x"]) if h else (t["x"], t["y"])
        at = [i for i, v in enumerate(vals) if v is None]
        if not at:
            continue
        name = t.get("name", "")
        hover = [f"{cats[i]} · {name}：{t['customdata'][i]}<br>未显示：人数少于{threshold}或为防反推而隐去"
                 "<br>（灰色斜线标记为固定大小，不代表人数）" for i in at]
        length = [signs.get(name, 1) * size] * len(at)
        where = [cats[i] for i in at]
        out.append({"type": "bar", "name": HIDDEN_NAME, "meta": HIDDEN_META, "legendgroup": HIDDEN_META,
                    "legendrank": 2000, "showlegend": first, "customdata": hover,
                    "hovertemplate": "%{customdata}<extra></extra>",
                    "marker": {"color": HIDDEN_COLOR, "line": {"color": "#6b7280", "width": 1},
                               "pattern": {"shape": "/", "fgcolor": "#6b7280", "size": 6}},
                    **({"orientation": "h", "x": length, "y": where} if h else {"x": where, "y": length})})
        first = False
    spec["data"] = out
    return spec


def _blank_if_hidden(spec: dict, threshold: int) -> dict:
    """A chart with no count to draw says so instead of drawing empty axes: with no data, a note
    in the middle; with every cell hidden, its placeholders (added after) are its only marks, so
    the numeric axis loses its ticks (their length is not a count) and its title says why."""
    values = [v for t in spec["data"] for v in _values(t)]
    if any(v for v in values if v is not None):
        return spec
    hidden = any(v is None for v in values)
    lay = spec["layout"]
    numeric = "xaxis" if spec["data"] and spec["data"][0].get("orientation") == "h" else "yaxis"
    for axis in ("xaxis", "yaxis"):
        lay.setdefault(axis, {}).update({"showticklabels": axis != numeric, "showgrid": False,
                                         "zeroline": False})
        lay[axis].pop("range", None)
    if hidden:
        lay[numeric]["title"] = {"text": f"各格人数不足{threshold}人或为防止反推而隐去，只画灰色标记（数字见数据表）",
                                 "font": {"color": COLORS["muted"]}}
    else:
        lay["annotations"] = [{"text": "无数据", "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
                               "showarrow": False, "font": {"size": 14, "color": COLORS["muted"]}}]
    return spec


def _base_layout() -> dict:
    """The common layout of every chart (``charts._base.layout``), template included."""
    return json.loads(layout(go.Figure(), "").to_json())["layout"]


def _table(v: _View, corner: str) -> dict:
    index = v.index
    if index == ["人数", TOTAL]:          # one-row table: its column totals repeat it
        index = ["人数"]
    return {"corner": corner, "header": [str(c) for c in v.columns],
            "rows": [{"label": str(k), "cells": [str(x) for x in v.shown[i]], "total": str(k) == TOTAL}
                     for i, k in enumerate(index)]}


