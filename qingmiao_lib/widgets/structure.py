"""Widgets of the cohort-structure notebook: as-of date, units (with a 市直/乡镇 quick filter) and
two dimension pickers, updating a pyramid and a stacked-bar FigureWidget in place. Wiring only:
the numbers come from ``qingmiao_lib.structure``, the figures from ``qingmiao_lib.charts``."""

from __future__ import annotations

import datetime as dt

import duckdb
import ipywidgets as widgets
import plotly.graph_objects as go

from .. import _steady, charts, structure
from .. import units as unit_list
from . import Fixed, Static, publisher, replace, static_caption
from ._units import UnitPicker

_DIM_CHOICES = [(charts.structure.DIM_LABELS[c], d) for d, (c, *_) in structure.DIMENSIONS.items()
                if d != "unit"]


def _figures(con, *, as_of: dt.date, unit_kind: str, units: list[str], x: str,
             colour: str | None) -> dict[str, go.Figure]:
    filters = {"units": list(units) or None, "unit_kinds": None if unit_kind == "全部" else [unit_kind]}
    by = [x] + ([colour] if colour else [])
    with _steady.steady(con):      # the two queries read the rules and the stored layer once
        pyr = structure.age_pyramid(con, as_of=as_of, young_only=True, **filters)
        bars = structure.headcount(con, as_of=as_of, by=by, **filters)
    col = structure.DIMENSIONS[x][0]
    ccol = structure.DIMENSIONS[colour][0] if colour else None
    return {"pyramid": charts.pyramid(pyr), "bars": charts.structure.stacked_bars(bars, col, ccol)}


def cohort_explorer(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                    export: bool = False, audience: str = "circulation") -> widgets.VBox | Static:
    """The explorer. ``box.controls`` holds the controls and ``box.figures`` the FigureWidgets.
    With ``export`` a :class:`Static` of the same figures for the initial values (all units),
    as ``audience`` may see them (:mod:`qingmiao_lib.published`)."""
    if export:
        pub = publisher(con, export=True, audience=audience)
        labels = dict((d, label) for label, d in _DIM_CHOICES)
        figs = _figures(con, as_of=as_of, unit_kind="全部", units=[], x="generation", colour="gender")
        figs = {k: pub.figure(f) for k, f in figs.items()}
        return Static(figs.values(), figures=figs, controls={
            "as_of": Fixed(as_of), "unit_kind": Fixed("全部"), "units": Fixed((), "全部"),
            "x": Fixed("generation", labels["generation"]), "colour": Fixed("gender", labels["gender"])},
            caption=static_caption({"时点": str(as_of), "单位": "全部", "横轴": labels["generation"],
                                    "分组": labels["gender"]}))
    units = unit_list.by_kind(con)
    date = widgets.DatePicker(value=as_of, description="时点")
    kind = widgets.ToggleButtons(options=["全部", "市直机关", "乡镇街道"], description="单位类别")
    picked = UnitPicker([(n, u) for u, n, _ in units], kinds={u: k for u, _, k in units})
    x = widgets.Dropdown(options=_DIM_CHOICES, value="generation", description="横轴")
    colour = widgets.Dropdown(options=[("（不分组）", None), *_DIM_CHOICES], value="gender", description="分组")
    pyramid_fw, bars_fw = go.FigureWidget(), go.FigureWidget()

    busy = []                      # one update per change of the user's, not one per control it moves

    def on_kind(_=None) -> None:
        busy.append(True)
        try:
            picked.limit_to_kind(None if kind.value == "全部" else kind.value)
        finally:
            busy.pop()
        update()

    def update(_=None) -> None:
        if busy:
            return
        if colour.value == x.value:
            colour.value = None
            return
        figs = _figures(con, as_of=date.value, unit_kind=kind.value, units=list(picked.value),
                        x=x.value, colour=colour.value)
        replace(pyramid_fw, figs["pyramid"])
        replace(bars_fw, figs["bars"])

    kind.observe(on_kind, names="value")
    for w in (date, picked, x, colour):
        w.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HBox([date, kind]), widgets.HBox([picked, widgets.VBox([x, colour])]),
                        pyramid_fw, bars_fw])
    box.controls = {"as_of": date, "unit_kind": kind, "units": picked, "x": x, "colour": colour}
    box.figures = {"pyramid": pyramid_fw, "bars": bars_fw}
    box.update = update
    return box
