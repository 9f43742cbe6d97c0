"""Widgets of the cohort-structure notebook: as-of date, units (with a 市直/乡镇 quick filter) and
two dimension pickers, updating a pyramid and a stacked-bar FigureWidget in place. Wiring only:
the numbers come from ``qingmiao_lib.structure``, the figures from ``qingmiao_lib.charts``."""

from __future__ import annotations

import datetime as dt

import duckdb
import ipywidgets as widgets
import plotly.graph_objects as go

from .. import charts, structure
from . import replace

_DIM_CHOICES = [(charts.structure.DIM_LABELS[c], d) for d, (c, *_) in structure.DIMENSIONS.items()
                if d != "unit"]




def cohort_explorer(con: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> widgets.VBox:
    """The explorer. ``box.controls`` holds the controls and ``box.figures`` the FigureWidgets."""
    units = con.execute("select unit_id, name, kind::varchar from units order by kind, unit_id").fetchall()
    date = widgets.DatePicker(value=as_of, description="时点")
    kind = widgets.ToggleButtons(options=["全部", "市直机关", "乡镇街道"], description="单位类别")
    picked = widgets.SelectMultiple(options=[(n, u) for u, n, _ in units], rows=6, description="单位")
    x = widgets.Dropdown(options=_DIM_CHOICES, value="generation", description="横轴")
    colour = widgets.Dropdown(options=[("（不分组）", None), *_DIM_CHOICES], value="gender", description="分组")
    pyramid_fw, bars_fw = go.FigureWidget(), go.FigureWidget()

    def on_kind(_=None) -> None:
        chosen = [(n, u) for u, n, k in units if kind.value == "全部" or k == kind.value]
        picked.options = chosen

    def update(_=None) -> None:
        if colour.value == x.value:
            colour.value = None
            return
        filters = {"units": list(picked.value) or None,
                   "unit_kind": None if kind.value == "全部" else kind.value}
        pyr = structure.age_pyramid(con, as_of=date.value, young_only=True, **filters)
        by = [x.value] + ([colour.value] if colour.value else [])
        bars = structure.headcount(con, as_of=date.value, by=by, **filters)
        col = structure.DIMENSIONS[x.value][0]
        ccol = structure.DIMENSIONS[colour.value][0] if colour.value else None
        replace(pyramid_fw, charts.pyramid(pyr))
        replace(bars_fw, charts.structure.stacked_bars(bars, col, ccol))

    kind.observe(on_kind, names="value")
    for w in (date, kind, picked, x, colour):
        w.observe(update, names="value")
    on_kind()
    update()
    box = widgets.VBox([widgets.HBox([date, kind]), widgets.HBox([picked, widgets.VBox([x, colour])]),
                        pyramid_fw, bars_fw])
    box.controls = {"as_of": date, "unit_kind": kind, "units": picked, "x": x, "colour": colour}
    box.figures = {"pyramid": pyramid_fw, "bars": bars_fw}
    box.update = update
    return box
