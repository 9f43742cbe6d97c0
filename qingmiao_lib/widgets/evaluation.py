"""Widgets of the evaluation notebook: year, units and age group updating four FigureWidgets in
place, and a person picker showing one person's record year by year (name masked unless asked).
Wiring only: the numbers come from ``qingmiao_lib.evaluation``, the figures from
``qingmiao_lib.charts.evaluation``."""

from __future__ import annotations

import duckdb
import ipywidgets as widgets
import plotly.graph_objects as go
from IPython.display import display

from .. import evaluation, labels
from ..charts import evaluation as ch
from ..privacy import mask_name
from . import replace

ALL = "全部"




def _unit_options(con, year: int) -> list[tuple[str, str]]:
    share = evaluation.excellent_share(con, year=year)
    share = share[share["unit_id"].notna()].sort_values("unit_id")
    return list(zip(share["unit_name"], share["unit_id"], strict=True))


def dashboard(con: duckdb.DuckDBPyConnection, *, year: int, years: list[int]) -> widgets.VBox:
    """Year, units and age group → grade distribution, 优秀 share vs cap, quarterly trend and
    streaks. ``box.controls`` holds the controls, ``box.figures`` the FigureWidgets."""
    pick_year = widgets.Dropdown(options=years, value=year, description="年度")
    units = widgets.SelectMultiple(options=_unit_options(con, year), rows=6, description="单位")
    age = widgets.Dropdown(options=[ALL, *evaluation.age_groups(con)], value=ALL, description="年龄段")
    figs = {k: go.FigureWidget() for k in ("grades", "share", "quarters", "streaks")}

    def update(_=None) -> None:
        y = pick_year.value
        filters = {"units": list(units.value) or None, "age_group": None if age.value == ALL else age.value}
        replace(figs["grades"], ch.grade_distribution(
            evaluation.grade_distribution(con, year=y, by="unit_kind", **filters)))
        replace(figs["share"], ch.excellent_share(
            evaluation.excellent_share(con, year=y, units=filters["units"]), top=20))
        replace(figs["quarters"], ch.quarterly_trend(
            evaluation.quarterly_distribution(con, year=y, first_year=y - 2, **filters)))
        replace(figs["streaks"], ch.streak_histogram(evaluation.streaks(con, year=y, **filters)))

    for w in (pick_year, units, age):
        w.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HBox([widgets.VBox([pick_year, age]), units]), *figs.values()])
    box.controls = {"year": pick_year, "units": units, "age_group": age}
    box.figures = figs
    box.update = update
    return box


def person_picker(con: duckdb.DuckDBPyConnection, *, year: int, show_names: bool = False) -> widgets.VBox:
    """A unit, then a person of it → that person's record year by year (:func:`evaluation.
    person_history`). Names are masked (张*明) unless ``show_names``."""
    unit = widgets.Dropdown(options=_unit_options(con, year), description="单位")
    person = widgets.Dropdown(options=[], description="人员")
    out = widgets.Output()

    def on_unit(_=None) -> None:
        hist = evaluation.grade_history(con, year=year, units=[unit.value])
        shown = hist["name"] if show_names else hist["name"].map(mask_name)
        person.options = list(zip(shown + "（" + hist["person_id"] + "）", hist["person_id"], strict=True))

    def on_person(_=None) -> None:
        out.clear_output(wait=True)
        if person.value is None:
            return
        with out:
            df = evaluation.person_history(con, person_id=person.value, year=year)
            display(labels.chinese(df).style.hide(axis="index").format(
                {"本单位优秀率": "{:.1%}", "全辖区优秀率": "{:.1%}"}, na_rep="—"))

    unit.observe(on_unit, names="value")
    person.observe(on_person, names="value")
    on_unit()
    on_person()
    box = widgets.VBox([widgets.HBox([unit, person]), out])
    box.controls = {"unit": unit, "person": person}
    box.output = out
    return box
