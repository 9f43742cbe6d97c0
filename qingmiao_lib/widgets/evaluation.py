"""Widgets of the evaluation notebook: year, units and age group updating four FigureWidgets in
place, and a person picker showing one person's record year by year (name masked unless asked).
Wiring only: the numbers come from ``qingmiao_lib.evaluation``, the figures from
``qingmiao_lib.charts.evaluation``."""

from __future__ import annotations

import duckdb
import ipywidgets as widgets
import plotly.graph_objects as go
from IPython.display import display

from .. import _steady, evaluation, labels
from ..charts import evaluation as ch
from ..privacy import mask_name
from . import Fixed, Static, publisher, replace, static_caption
from ._units import UnitPicker

ALL = "全部"


def _unit_options(con, year: int) -> list[tuple[str, str]]:
    share = evaluation.excellent_share(con, year=year)
    share = share[share["unit_id"].notna()].sort_values("unit_id")
    return list(zip(share["unit_name"], share["unit_id"], strict=True))


def _dashboard_figures(con, *, year: int, units: list[str], age_group: str) -> dict[str, go.Figure]:
    filters = {"units": list(units) or None, "age_group": None if age_group == ALL else age_group}
    with _steady.steady(con):      # one update: the rules and stored tables looked up once
        return {
            "grades": ch.grade_distribution(evaluation.grade_distribution(con, year=year, by="unit_kind", **filters)),
            "share": ch.excellent_share(evaluation.excellent_share(con, year=year, units=filters["units"]), top=20),
            "quarters": ch.quarterly_trend(
                evaluation.quarterly_distribution(con, year=year, first_year=year - 2, **filters)),
            "streaks": ch.streak_histogram(evaluation.streaks(con, year=year, **filters)),
        }


def dashboard(con: duckdb.DuckDBPyConnection, *, year: int, years: list[int],
              export: bool = False, audience: str = "circulation") -> widgets.VBox | Static:
    """Year, units and age group → grade distribution, 优秀 share vs cap, quarterly trend and
    streaks. ``box.controls`` holds the controls, ``box.figures`` the FigureWidgets. With
    ``export`` a :class:`Static` of the four figures for ``year``, all units and ages, as
    ``audience`` may see them."""
    if export:
        pub = publisher(con, export=True, audience=audience)
        figs = {k: pub.figure(f) for k, f in
                _dashboard_figures(con, year=year, units=[], age_group=ALL).items()}
        return Static(figs.values(), figures=figs, controls={
            "year": Fixed(year), "units": Fixed((), ALL), "age_group": Fixed(ALL)},
            caption=static_caption({"年度": str(year), "单位": ALL, "年龄段": ALL}))
    pick_year = widgets.Dropdown(options=years, value=year, description="年度")
    units = UnitPicker(_unit_options(con, year))
    age = widgets.Dropdown(options=[ALL, *evaluation.age_groups(con)], value=ALL, description="年龄段")
    figs = {k: go.FigureWidget() for k in ("grades", "share", "quarters", "streaks")}

    def update(_=None) -> None:
        new = _dashboard_figures(con, year=pick_year.value, units=list(units.value), age_group=age.value)
        for key, fig in new.items():
            replace(figs[key], fig)

    for w in (pick_year, units, age):
        w.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HBox([widgets.VBox([pick_year, age]), units]), *figs.values()])
    box.controls = {"year": pick_year, "units": units, "age_group": age}
    box.figures = figs
    box.update = update
    return box


def _people(con, *, year: int, unit: str, show_names: bool) -> list[tuple[str, str]]:
    hist = evaluation.grade_history(con, year=year, units=[unit])
    shown = hist["name"] if show_names else hist["name"].map(mask_name)
    return list(zip(shown + "（" + hist["person_id"] + "）", hist["person_id"], strict=True))


def _history_table(con, *, person_id: str, year: int):
    df = evaluation.person_history(con, person_id=person_id, year=year)
    return labels.display_table(df, "evaluation", max_rows=None)


def person_picker(con: duckdb.DuckDBPyConnection, *, year: int, show_names: bool = False,
                  export: bool = False, audience: str = "circulation") -> widgets.VBox | Static:
    """A unit, then a person of it → that person's record year by year (:func:`evaluation.
    person_history`). Names are masked (张*明) unless ``show_names``. With ``export`` a
    :class:`Static` of the record the picker first shows (first unit, its first person), the
    name masked unless ``audience`` is ``unmasked``; withheld (a note) for circulation."""
    if export:
        pub = publisher(con, export=True, audience=audience)
        if not pub.lists:
            return Static([pub.persons(None, None, what="个人考核情况")],
                          controls={"unit": Fixed(None, "无"), "person": Fixed(None, "无")})
        first_unit = next(iter(_unit_options(con, year)), None)
        people = _people(con, year=year, unit=first_unit[1], show_names=pub.names()) if first_unit else []
        if not people:
            return Static(caption=static_caption({"单位": first_unit[0] if first_unit else "无", "人员": "无"}))
        (label, pid) = people[0]
        return Static([_history_table(con, person_id=pid, year=year)],
                      controls={"unit": Fixed(first_unit[1], first_unit[0]), "person": Fixed(pid, label)},
                      caption=static_caption({"单位": first_unit[0], "人员": label}))
    unit = widgets.Dropdown(options=_unit_options(con, year), description="单位")
    person = widgets.Dropdown(options=[], description="人员")
    out = widgets.Output()

    def on_unit(_=None) -> None:
        person.options = _people(con, year=year, unit=unit.value, show_names=show_names)

    def on_person(_=None) -> None:
        out.clear_output(wait=True)
        if person.value is None:
            return
        with out:
            display(_history_table(con, person_id=person.value, year=year))

    unit.observe(on_unit, names="value")
    person.observe(on_person, names="value")
    on_unit()
    on_person()
    box = widgets.VBox([widgets.HBox([unit, person]), out])
    box.controls = {"unit": unit, "person": person}
    box.output = out
    return box
